import { DOMAIN_EVENT_TYPES } from '../libs/events/events.service';
import { MatchingService } from '../libs/match-store/matching.service';
import { WebhookDispatcher } from '../libs/webhooks/webhook-dispatcher';
import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

/**
 * Confidential means confidential (DESIGN §5): a confidential lead that Beibei shares with
 * Mianyang, walked channel by channel as Mianyang (its users and its API key). Every response
 * body is searched for the strings only Beibei may read; what Mianyang may read is asserted too.
 */
describe('a confidential shared lead, as the partner city sees it', () => {
  let t: TestApp;
  let owner: TestUser;
  let ownerManager: TestUser;
  let partner: TestUser;
  let partnerManager: TestUser;
  let partnerKey: TestKey;
  let leadId: string;
  let subscriptionId: string;
  const tag = uniq('');
  const CODE_NAME = `青松${tag}`;
  const PARTNER_SUMMARY = `新能源整车配套项目，合作方可见 ${tag}`;
  const PARTNER_NOTE = `绵阳方已联系配套企业 ${tag}`;
  /** Every string only Beibei may read. */
  const SECRETS = {
    investor: `隐秘${tag}投资股份有限公司`,
    title: `秘密项目${tag}`,
    summary: `董事会尚未公开的扩产计划${tag}`,
    investorUscc: '91350900587527783P',
    projectUscc: '91500109MA60ABCDEE',
    contact: `联系人${tag}`,
    phone: '13912345678',
    fundNote: `首笔资金内部备注${tag}`,
    activity: `拜访记录：对方透露报价${tag}`,
    stageNote: `签约细节${tag}`,
    decisionNote: `内部评审意见${tag}`,
  };
  const bodies: { channel: string; text: string }[] = [];
  const seen = (channel: string, body: unknown) => {
    bodies.push({ channel, text: typeof body === 'string' ? body : JSON.stringify(body) });
    return body;
  };

  beforeAll(async () => {
    t = await startApp();
    owner = await makeUser(t.ds, t.http, 'beibei', 'officer');
    ownerManager = await makeUser(t.ds, t.http, 'beibei', 'manager');
    partner = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    partnerManager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    partnerKey = await makeApiKey(t.ds, 'mianyang', ['leads:read', 'leads:write', 'changes:read']);
    const [sub] = await t.ds.query(
      `INSERT INTO webhook_subscriptions (jurisdiction, url, events, secret, created_by_type)
       VALUES ('mianyang', $1, $2, 'whsec_test', 'system') RETURNING id`,
      [`https://partner.example.gov.cn/${tag}`, [...DOMAIN_EVENT_TYPES]],
    );
    subscriptionId = sub.id;

    await t.ds.query(
      `INSERT INTO enterprises (name, jurisdiction, segments) VALUES ($1, 'mianyang', '{nev.battery-pack}'),
              ($2, 'mianyang', '{nev.charging}')`,
      [`配套电池${tag}有限公司`, `配套充电${tag}有限公司`],
    );
    // Beibei's officer records the lead, signs it and registers its project company.
    const created = await t.http
      .post('/api/v1/leads')
      .set(owner.auth)
      .send({
        title: SECRETS.title,
        investor: { name: SECRETS.investor, uscc: SECRETS.investorUscc, country: 'CN' },
        summary: SECRETS.summary,
        partnerSummary: PARTNER_SUMMARY,
        segments: ['nev.vehicle'],
        plannedInvestmentWan: 300000,
        sharing: 'shared',
        confidential: true,
        codeName: CODE_NAME,
        stage: 'negotiating',
        contacts: [{ name: SECRETS.contact, phone: SECRETS.phone }],
      })
      .expect(201);
    leadId = created.body.id;
    await t.http
      .post(`/api/v1/leads/${leadId}/stage`)
      .set(owner.auth)
      .send({ stage: 'signed', note: SECRETS.stageNote, signedAt: '2026-09-01', contractAmountWan: 280000 })
      .expect(200);
    await t.http
      .post(`/api/v1/leads/${leadId}/funds`)
      .set(owner.auth)
      .send({ at: '2026-09-15', amountWan: 50000, note: SECRETS.fundNote })
      .expect(201);
    await t.http
      .post(`/api/v1/leads/${leadId}/stage`)
      .set(owner.auth)
      .send({ stage: 'registered', projectUscc: SECRETS.projectUscc })
      .expect(200);
    await t.http
      .post(`/api/v1/leads/${leadId}/activities`)
      .set(owner.auth)
      .send({ type: 'visit', summary: SECRETS.activity })
      .expect(201);
    // Mianyang follows up on the shared lead: its own note stays readable to it.
    await t.http
      .post(`/api/v1/leads/${leadId}/activities`)
      .set(partner.auth)
      .send({ type: 'call', summary: PARTNER_NOTE })
      .expect(201);
    // Matches, one decided by Beibei's manager with a note.
    await t.app.get(MatchingService).matchLeadJob({ leadId, version: 1 });
    const matches = await t.http.get(`/api/v1/leads/${leadId}/matches`).set(ownerManager.auth).expect(200);
    expect(matches.body.partners.length).toBeGreaterThan(0);
    await t.http
      .post(`/api/v1/matches/${matches.body.partners[0].id}/decision`)
      .set(ownerManager.auth)
      .send({ decision: 'accepted', note: SECRETS.decisionNote })
      .expect(200);
    // Mianyang chases the same investor, under the name it knows: a collision both cities see.
    // The names are unique to this suite: suites share a database, and a core of 4+ characters
    // contained in another is the same investor (DESIGN §7).
    const chased = await t.http
      .post('/api/v1/leads')
      .set(partner.auth)
      .send({
        title: `绵阳线索${tag}`,
        investor: { name: `隐秘${tag}投资有限公司` },
        segments: ['nev.vehicle'],
      })
      .expect(201);
    expect(chased.body.collisions).toHaveLength(1);
  });
  afterAll(() => t.close());

  it('GET /leads/:id shows the code name, the partner summary and the numbers, nothing else', async () => {
    const res = await t.http.get(`/api/v1/leads/${leadId}`).set(partner.auth).expect(200);
    seen('GET /leads/:id', res.body);
    expect(res.body).toMatchObject({
      title: CODE_NAME,
      investor: { name: CODE_NAME, uscc: null, enterpriseId: null },
      summary: PARTNER_SUMMARY,
      partnerSummary: PARTNER_SUMMARY,
      contacts: [],
      stage: 'registered',
      signedAt: '2026-09-01',
      contractAmountWan: 280000,
      projectUscc: null,
      fundsInPlace: [{ at: '2026-09-15', amountWan: 50000 }],
      fundsInPlaceWan: 50000,
    });
    const key = await t.http.get(`/api/v1/leads/${leadId}`).set(partnerKey.auth).expect(200);
    seen('GET /leads/:id (API key)', key.body);
    // The owner still sees everything.
    const own = await t.http.get(`/api/v1/leads/${leadId}`).set(owner.auth).expect(200);
    expect(own.body).toMatchObject({
      title: SECRETS.title,
      summary: SECRETS.summary,
      projectUscc: SECRETS.projectUscc,
    });
  });

  it('GET /leads lists it masked, and `q` never finds it by what the partner may not see', async () => {
    const list = await t.http
      .get('/api/v1/leads')
      .query({ jurisdiction: 'beibei', limit: 200 })
      .set(partner.auth);
    seen('GET /leads', list.body);
    expect(list.body.items.some((l: { id: string }) => l.id === leadId)).toBe(true);
    for (const q of [SECRETS.investor, SECRETS.title, `秘密投资${tag}`, tag, SECRETS.summary.slice(0, 12)]) {
      const res = await t.http.get('/api/v1/leads').query({ q }).set(partner.auth).expect(200);
      seen(`GET /leads?q=${q}`, res.body);
      expect(res.body.items.map((l: { id: string }) => l.id)).not.toContain(leadId);
    }
  });

  it('GET /leads/:id/activities: the owner city’s only by type, date and city; the partner’s own whole', async () => {
    const res = await t.http.get(`/api/v1/leads/${leadId}/activities`).set(partner.auth).expect(200);
    seen('GET /leads/:id/activities', res.body);
    const mine = res.body.items.filter((a: { jurisdiction: string }) => a.jurisdiction === 'mianyang');
    const theirs = res.body.items.filter((a: { jurisdiction: string }) => a.jurisdiction === 'beibei');
    expect(mine).toEqual([expect.objectContaining({ type: 'call', summary: PARTNER_NOTE, redacted: false })]);
    expect(mine[0].authorId).toBe(partner.id);
    expect(theirs.map((a: { type: string }) => a.type).sort()).toEqual([
      'stage_change',
      'stage_change',
      'visit',
    ]);
    for (const a of theirs) {
      expect(a).toMatchObject({
        summary: '',
        redacted: true,
        authorId: null,
        authorKeyId: null,
        jurisdiction: 'beibei',
      });
      expect(a.occurredAt).toEqual(expect.any(String));
    }
    const own = await t.http.get(`/api/v1/leads/${leadId}/activities`).set(owner.auth).expect(200);
    expect(own.body.items.every((a: { redacted: boolean }) => !a.redacted)).toBe(true);
    expect(JSON.stringify(own.body)).toContain(SECRETS.activity);
  });

  it('matches: GET /matches and GET /leads/:id/matches', async () => {
    const lead = await t.http.get(`/api/v1/leads/${leadId}/matches`).set(partnerManager.auth).expect(200);
    seen('GET /leads/:id/matches', lead.body);
    const pipeline = await t.http
      .get('/api/v1/matches')
      .query({ jurisdiction: 'beibei', limit: 200 })
      .set(partnerManager.auth)
      .expect(200);
    seen('GET /matches', pipeline.body);
    const ours = pipeline.body.items.filter((m: { leadId: string }) => m.leadId === leadId);
    expect(ours.length).toBeGreaterThan(0);
    for (const m of ours) expect(m).toMatchObject({ leadTitle: CODE_NAME, decisionNote: null });
  });

  it('the changes feed (partner API key)', async () => {
    let cursor: string | undefined;
    let leadData: Record<string, unknown> | undefined;
    for (let page = 0; page < 500; page++) {
      const res = await t.http
        .get('/api/v1/sync/changes')
        .query({ limit: 1000, ...(cursor ? { cursor } : {}) })
        .set(partnerKey.auth)
        .expect(200);
      const mineOnly = res.body.changes.filter(
        (c: { id: string; data: { leadId?: string; leads?: { id: string }[] } | null }) =>
          c.id === leadId || c.data?.leadId === leadId || (c.data?.leads ?? []).some((l) => l.id === leadId),
      );
      seen('GET /sync/changes', mineOnly);
      leadData = mineOnly.find((c: { id: string }) => c.id === leadId)?.data ?? leadData;
      cursor = res.body.nextCursor;
      if (!res.body.hasMore) break;
    }
    expect(leadData).toMatchObject({ title: CODE_NAME, summary: PARTNER_SUMMARY, projectUscc: null });
  });

  it('webhooks: every event of the lead, rendered for the partner’s subscription', async () => {
    const dispatcher = new WebhookDispatcher(t.ds, t.config, { addBulk: async () => [] } as never);
    const events: { id: string; type: string }[] = await t.ds.query(
      `SELECT id::text, type FROM domain_events
        WHERE (entity_id = $1 OR (entity = 'match' AND detail->>'leadId' = $1::text)
           OR (entity = 'collision' AND entity_id IN (SELECT id FROM collisions WHERE $1::uuid = ANY(lead_ids))))
          AND type = ANY($2::text[])`,
      // The webhook types (DESIGN §11); internal events (notifications, §18) are never sent out.
      [leadId, DOMAIN_EVENT_TYPES],
    );
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'lead.created',
        'lead.updated',
        'lead.stage_changed',
        'match.proposed',
        'match.decided',
        'collision.detected',
      ]),
    );
    for (const e of events) await dispatcher.dispatch(e.id);
    const deliveries: { event_type: string; body: { data: { lead?: { title: string } } } }[] =
      await t.ds.query(`SELECT event_type, body FROM webhook_deliveries WHERE subscription_id = $1`, [
        subscriptionId,
      ]);
    expect(deliveries.length).toBe(events.length);
    for (const d of deliveries) seen(`webhook ${d.event_type}`, d.body);
    const lead = deliveries.find((d) => d.event_type === 'lead.created')!.body.data.lead!;
    expect(lead.title).toBe(CODE_NAME);
  });

  it('reports and collisions', async () => {
    const pipeline = await t.http
      .get('/api/v1/reports/pipeline')
      .query({ groupBy: 'jurisdiction,industry,stage' })
      .set(partnerManager.auth)
      .expect(200);
    seen('GET /reports/pipeline', pipeline.body);
    const summary = await t.http.get('/api/v1/reports/summary').set(partnerManager.auth).expect(200);
    seen('GET /reports/summary', summary.body);
    expect(summary.body.deals.byJurisdiction).toEqual(
      expect.arrayContaining([expect.objectContaining({ jurisdiction: 'beibei' })]),
    );
    const collisions = await t.http.get('/api/v1/collisions').query({ limit: 200 }).set(partnerManager.auth);
    expect(collisions.status).toBe(200);
    seen('GET /collisions', collisions.body);
    const hit = collisions.body.items.find((c: { other: { leadId?: string } }) => c.other.leadId === leadId);
    expect(hit.other.title).toBe(CODE_NAME);
    const audit = await t.http
      .get('/api/v1/audit')
      .query({ entity: 'lead', entityId: leadId })
      .set(partnerManager.auth);
    expect(audit.status).toBe(200);
    seen('GET /audit', audit.body);
    expect(audit.body.items).toEqual([]);
  });

  it('no response the partner received carries any of the owner’s hidden text', () => {
    expect(bodies.length).toBeGreaterThan(15);
    const leaks = bodies.flatMap(({ channel, text }) =>
      Object.entries(SECRETS)
        .filter(([, secret]) => text.includes(secret))
        .map(([what]) => `${channel}: ${what}`),
    );
    expect(leaks).toEqual([]);
    // Nor the owner's user names (activities show the city, not the author).
    for (const { text } of bodies) {
      expect(text).not.toContain(owner.username);
      expect(text).not.toContain(ownerManager.username);
    }
  });
});
