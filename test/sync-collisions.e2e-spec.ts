import { CollisionDetector } from '../libs/collisions/collision-detector';
import { COLLISION_HANDLER_PROVIDER } from '../libs/collisions/collision-handlers';
import type { JobHandlers } from '../libs/jobs/jobs';
import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq, randomUscc, makeLead } from './support/factories';

jest.setTimeout(120_000);

/**
 * 撞单 for bulk-synced leads (DESIGN §7, §11): PUT /sync/leads opens collisions exactly like
 * POST /leads — on create and when the investor changes, same USCC or similar normalised name,
 * first-report rule, a `collision.detected` event — and each item's result carries them.
 */
describe('collisions of bulk-synced leads', () => {
  let t: TestApp;
  let bb: TestKey;
  let mOfficer: TestUser;
  const SYS = uniq('crm-');

  beforeAll(async () => {
    t = await startApp();
    bb = await makeApiKey(t.ds, 'beibei', ['leads:write', 'leads:read']);
    mOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
  });
  afterAll(() => t.close());

  /** A distinctive investor name (no trigram overlap with other tests' names). */
  const company = () => `锦程${uniq('')}华耀新材料科技`;
  const postLead = (investor: Record<string, unknown>) =>
    makeLead(t.http, mOfficer, { title: `绵阳项目${uniq()}`, investor });
  const item = (id: string, investor: Record<string, unknown>) => ({
    externalRef: { system: SYS, id },
    title: `北碚项目 ${id}`,
    investor,
    segments: ['nev.battery-pack'],
  });
  const push = async (items: unknown[]) => {
    const res = await t.http.put('/api/v1/sync/leads').set(bb.auth).send({ items });
    expect(res.status).toBe(200);
    return res.body.results as any[];
  };
  const collisionRows = (leadId: string) =>
    t.ds.query(
      `SELECT id, lead_ids, basis, similarity, first_reported_by FROM collisions WHERE $1 = ANY(lead_ids)`,
      [leadId],
    );

  it('opens collisions for created items: same USCC, similar name with or without 有限公司; not for other names', async () => {
    const uscc = randomUscc();
    const byUscc = await postLead({ name: `${company()}股份有限公司`, uscc });
    const nameA = company();
    const byName = await postLead({ name: `${nameA}有限公司` });
    const nameB = company();
    const byNameB = await postLead({ name: nameB });

    const results = await push([
      item('U1', { name: `${company()}有限公司`, uscc }), // same USCC, unrelated name
      item('N1', { name: nameA }), // the same investor without 有限公司
      item('N2', { name: `${nameB}股份有限公司` }), // the same investor with a legal form
      item('D1', { name: `${company()}有限公司` }), // somebody else
    ]);
    expect(results.map((r) => r.status)).toEqual(['created', 'created', 'created', 'created']);
    const one = (otherFirst: boolean, basis: string, similarity: number) => [
      {
        id: expect.any(String),
        otherJurisdiction: 'mianyang',
        basis,
        similarity,
        firstReportedBy: otherFirst ? 'mianyang' : 'beibei',
      },
    ];
    expect(results[0].collisions).toEqual(one(true, 'uscc', 1));
    expect(results[1].collisions).toEqual(one(true, 'name', 1));
    expect(results[2].collisions).toEqual(one(true, 'name', 1));
    expect(results[3].collisions).toEqual([]);

    // Stored as POST stores them: the older lead first, the event for the webhook recorded.
    for (const [r, other] of [
      [results[0], byUscc],
      [results[1], byName],
      [results[2], byNameB],
    ]) {
      const rows = await collisionRows(r.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].lead_ids).toEqual([other.id, r.id]);
      expect(rows[0].first_reported_by).toBe('mianyang');
      const events = await t.ds.query(
        `SELECT type, jurisdiction, detail FROM domain_events WHERE entity = 'collision' AND entity_id = $1`,
        [rows[0].id],
      );
      expect(events).toEqual([
        {
          type: 'collision.detected',
          jurisdiction: 'beibei',
          detail: {
            basis: rows[0].basis,
            firstReportedBy: 'mianyang',
            jurisdictions: ['beibei', 'mianyang'],
          },
        },
      ]);
    }
    expect(await collisionRows(results[3].id)).toEqual([]);

    // A near name (one character off) is still the same investor when similarity ≥ 0.6.
    const base = company();
    await postLead({ name: `${base}有限公司` });
    const [near] = await push([item('N3', { name: `${base}研究院有限公司` })]);
    expect(near.collisions).toHaveLength(1);
    expect(near.collisions[0].basis).toBe('name');
    expect(near.collisions[0].similarity).toBeGreaterThanOrEqual(0.6);
    expect(near.collisions[0].similarity).toBeLessThan(1);
  });

  it('an unchanged repeat opens nothing new; an update that changes the investor opens one', async () => {
    const name = company();
    await postLead({ name: `${name}有限公司` });
    const [first] = await push([item('R1', { name })]);
    expect(first.collisions).toHaveLength(1);
    const [again] = await push([item('R1', { name })]);
    expect(again.status).toBe('unchanged');
    expect(again.collisions).toBeUndefined();
    expect(await collisionRows(first.id)).toHaveLength(1);

    // Created with an investor nobody else has, then the partner corrects the investor.
    const [solo] = await push([item('C1', { name: company() })]);
    expect(solo.collisions).toEqual([]);
    const target = company();
    const other = await postLead({ name: target });
    const [changed] = await push([item('C1', { name: `${target}有限公司` })]);
    expect(changed.status).toBe('updated');
    expect(changed.collisions).toEqual([
      {
        id: expect.any(String),
        otherJurisdiction: 'mianyang',
        basis: 'name',
        similarity: 1,
        firstReportedBy: 'beibei',
      },
    ]);
    const rows = await collisionRows(solo.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].lead_ids).toEqual([solo.id, other.id]); // the synced lead is older: beibei first
    // An update that leaves the investor alone does not look again.
    const [titleOnly] = await push([{ ...item('C1', { name: `${target}有限公司` }), title: '改名' }]);
    expect(titleOnly.status).toBe('updated');
    expect(titleOnly.collisions).toEqual([]);
    expect(await collisionRows(solo.id)).toHaveLength(1);
  });

  it('a created item writes its audit entry, lead.created event and outbox rows with the lead', async () => {
    const [r] = await push([
      {
        ...item('A1', { name: company(), country: 'CN' }),
        stage: 'signed',
        plannedInvestmentWan: 1234.5,
        signedAt: '2026-06-30',
        contractAmountWan: 1200,
        fundsInPlace: [{ at: '2026-07-01', amountWan: 300, note: '首期' }],
        nextActionAt: '2027-01-02T03:04:05.000Z',
        contacts: [{ name: '张三', phone: '13800000000' }],
      },
    ]);
    expect(r.status).toBe('created');
    const [lead] = await t.ds.query(`SELECT * FROM leads WHERE id = $1`, [r.id]);
    const [audit] = await t.ds.query(
      `SELECT actor_type, action, jurisdiction, changes FROM audit_entries WHERE entity = 'lead' AND entity_id = $1`,
      [r.id],
    );
    const after = (v: unknown) => ({ before: null, after: v });
    expect(audit).toEqual({
      actor_type: 'api_key',
      action: 'create',
      jurisdiction: 'beibei',
      changes: {
        title: after(lead.title),
        'investor.name': after(lead.investor_name),
        'investor.uscc': after(null),
        'investor.enterpriseId': after(null),
        'investor.country': after('CN'),
        summary: after(''),
        segments: after(['nev.battery-pack']),
        plannedInvestmentWan: after(1234.5),
        landNeedMu: after(null),
        expectedJobs: after(null),
        stage: after('signed'),
        sharing: after('private'),
        confidential: after(false),
        codeName: after(null),
        source: after('partner_system'),
        nextActionAt: after('2027-01-02T03:04:05.000Z'),
        contacts: after([{ name: '张三', phone: '13800000000' }]),
        partnerSummary: after(null),
        signedAt: after('2026-06-30'),
        contractAmountWan: after(1200),
        projectUscc: after(null),
        startedAt: after(null),
        operatingAt: after(null),
        fundsInPlace: after([{ at: '2026-07-01', amountWan: 300, note: '首期' }]),
      },
    });
    const events = await t.ds.query(
      `SELECT id::text, type, entity_version, jurisdiction, detail FROM domain_events WHERE entity_id = $1`,
      [r.id],
    );
    expect(events).toEqual([
      { id: expect.any(String), type: 'lead.created', entity_version: 1, jurisdiction: 'beibei', detail: {} },
    ]);
    const outbox = await t.ds.query(
      `SELECT kind, dedupe_key, payload FROM outbox
        WHERE dedupe_key = $1 OR (kind = 'match-lead' AND payload->>'leadId' = $2) ORDER BY kind`,
      [`dispatch-event:${events[0].id}`, r.id],
    );
    expect(outbox).toEqual([
      {
        kind: 'dispatch-event',
        dedupe_key: `dispatch-event:${events[0].id}`,
        payload: { eventId: events[0].id },
      },
      {
        kind: 'match-lead',
        dedupe_key: expect.stringMatching(`^match-lead:${r.id}:m1-`),
        payload: { leadId: r.id, version: 1 },
      },
    ]);
  });

  it('a lead created later by POST collides with a synced one; the synced city reported first', async () => {
    const name = company();
    const [synced] = await push([item('P1', { name: `${name}有限公司` })]);
    expect(synced.collisions).toEqual([]);
    const posted = await postLead({ name: `${name}股份有限公司` });
    expect(posted.collisions).toEqual([
      {
        id: expect.any(String),
        otherJurisdiction: 'beibei',
        basis: 'name',
        similarity: 1,
        firstReportedBy: 'beibei',
      },
    ]);
  });

  it('finds the duplicates of a push within the city after commit (detect-duplicates job), not in the answer', async () => {
    const core = company();
    const [a, b] = await push([
      item(uniq('d'), { name: `${core}有限公司` }),
      item(uniq('d'), { name: `四川${core}股份有限公司` }),
    ]);
    expect([a.collisions, b.collisions]).toEqual([[], []]);
    const [job] = await t.ds.query(
      `SELECT payload FROM outbox WHERE kind = 'detect-duplicates' AND payload->'leadIds' ? $1`,
      [a.id],
    );
    expect(job.payload).toEqual({ jurisdiction: 'beibei', leadIds: [a.id, b.id] });
    expect(
      await t.ds.query(`SELECT 1 FROM lead_duplicates WHERE lead_ids && $1::uuid[]`, [[a.id, b.id]]),
    ).toEqual([]);
    const handlers = (
      COLLISION_HANDLER_PROVIDER as { useFactory: (...a: unknown[]) => JobHandlers }
    ).useFactory(t.ds, t.app.get(CollisionDetector));
    const run = () =>
      handlers['detect-duplicates']!(job.payload, { attemptsMade: 0, updateProgress: async () => undefined });
    expect(await run()).toEqual({ checked: 2 });
    await run(); // idempotent: a job run twice leaves the same rows
    expect(
      await t.ds.query(`SELECT lead_ids FROM lead_duplicates WHERE lead_ids && $1::uuid[]`, [[a.id, b.id]]),
    ).toEqual([{ lead_ids: [a.id, b.id].sort((x, y) => (x < y ? -1 : 1)) }]);
  });
});
