import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

// The e2e project's testTimeout is not applied to hooks here; app start-up under load can take > 5 s.
jest.setTimeout(60_000);

type Body = Record<string, unknown>;
const fields = (res: { body: { details?: { field: string }[] } }) =>
  (res.body.details ?? []).map((d) => d.field);

describe('audit log and reports (DESIGN §4, §11)', () => {
  let t: TestApp;
  let bbOfficer: TestUser;
  let bbManager: TestUser;
  let bbAdmin: TestUser;
  let myOfficer: TestUser;
  let myManager: TestUser;
  let bbLeadsKey: TestKey;
  let bbBaseKey: TestKey;

  beforeAll(async () => {
    t = await startApp();
    [bbOfficer, bbManager, bbAdmin, myOfficer, myManager] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'officer'),
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'beibei', 'admin'),
      makeUser(t.ds, t.http, 'mianyang', 'officer'),
      makeUser(t.ds, t.http, 'mianyang', 'manager'),
    ]);
    [bbLeadsKey, bbBaseKey] = await Promise.all([
      makeApiKey(t.ds, 'beibei', ['leads:read']),
      makeApiKey(t.ds, 'beibei', ['base:read', 'base:write', 'changes:read']),
    ]);
  });
  afterAll(() => t.close());

  describe('GET /audit', () => {
    let enterpriseId: string;
    let name: string;
    const requestId = uniq('req-');

    beforeAll(async () => {
      name = `审计企业${uniq()}`;
      const created = await t.http
        .post('/api/v1/enterprises')
        .set(bbOfficer.auth)
        .set('x-request-id', requestId)
        .send({ name, segments: ['ngit.sensors'] })
        .expect(201);
      enterpriseId = created.body.id;
      await t.http
        .patch(`/api/v1/enterprises/${enterpriseId}`)
        .set(bbBaseKey.auth)
        .set('If-Match', '"1"')
        .send({ employees: 50 })
        .expect(200);
    });

    it('shows a manager of the record’s jurisdiction who changed what, newest first', async () => {
      const res = await t.http
        .get('/api/v1/audit')
        .query({ entity: 'enterprise', entityId: enterpriseId })
        .set(bbManager.auth)
        .expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items).toHaveLength(2);
      const [update, create] = res.body.items;
      expect(update).toMatchObject({
        action: 'update',
        entity: 'enterprise',
        entityId: enterpriseId,
        actor: { type: 'api_key', id: bbBaseKey.id },
        changes: { employees: { before: null, after: 50 } },
      });
      expect(create).toMatchObject({
        action: 'create',
        actor: { type: 'user', id: bbOfficer.id, name: bbOfficer.username },
        changes: { name: { before: null, after: name } },
        requestId,
      });
      expect(Number(update.id)).toBeGreaterThan(Number(create.id));
      expect(new Date(create.at).toISOString()).toBe(create.at);
    });

    it('admins read it too; keyset paging with limit and cursor', async () => {
      const first = await t.http
        .get('/api/v1/audit')
        .query({ entity: 'enterprise', entityId: enterpriseId, limit: 1 })
        .set(bbAdmin.auth)
        .expect(200);
      expect(first.body.items.map((e: Body) => e.action)).toEqual(['update']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http
        .get('/api/v1/audit')
        .query({ entity: 'enterprise', entityId: enterpriseId, limit: 1, cursor: first.body.nextCursor })
        .set(bbAdmin.auth)
        .expect(200);
      expect(second.body.items.map((e: Body) => e.action)).toEqual(['create']);
      expect(second.body.nextCursor).toBeNull();
    });

    it('403 for officers and for API keys', async () => {
      const res = await t.http.get('/api/v1/audit').set(bbOfficer.auth).expect(403);
      expect(res.body.code).toBe('ROLE_REQUIRED');
      await t.http.get('/api/v1/audit').set(bbBaseKey.auth).expect(403);
      await t.http.get('/api/v1/audit').set(bbLeadsKey.auth).expect(403);
      await t.http.get('/api/v1/audit').expect(401);
    });

    it('never returns another jurisdiction’s entries', async () => {
      const res = await t.http
        .get('/api/v1/audit')
        .query({ entityId: enterpriseId })
        .set(myManager.auth)
        .expect(200);
      expect(res.body.items).toEqual([]);
      // the newest entries of the whole log, as the other city sees them, skip beibei's
      const recent = await t.http.get('/api/v1/audit?limit=200').set(myManager.auth).expect(200);
      expect(recent.body.items.map((e: Body) => e.entityId)).not.toContain(enterpriseId);
      // and its own changes are there
      const own = await t.http
        .post('/api/v1/enterprises')
        .set(myOfficer.auth)
        .send({ name: `绵阳审计${uniq()}`, segments: ['nev.e-drive'] })
        .expect(201);
      const mine = await t.http
        .get('/api/v1/audit')
        .query({ entity: 'enterprise', entityId: own.body.id })
        .set(myManager.auth)
        .expect(200);
      expect(mine.body.items).toHaveLength(1);
      await t.http.get('/api/v1/audit').query({ entityId: own.body.id }).set(bbManager.auth).expect(200, {
        items: [],
        nextCursor: null,
      });
    });

    it('a co-built park’s entries are shown to both jurisdictions', async () => {
      const park = await t.http
        .post('/api/v1/parks')
        .set(bbOfficer.auth)
        .send({ name: `共建园区${uniq()}` })
        .expect(201);
      // Co-built by agreement of both cities (test/park-agreements.e2e-spec.ts); here as set-up.
      await t.ds.query(
        `UPDATE parks SET jurisdictions = '{beibei,mianyang}', co_built = true WHERE id = $1`,
        [park.body.id],
      );
      await t.http
        .patch(`/api/v1/parks/${park.body.id}`)
        .set(myOfficer.auth)
        .set('If-Match', '"1"')
        .send({ availableLandMu: 88 })
        .expect(200);
      for (const manager of [bbManager, myManager]) {
        const res = await t.http
          .get('/api/v1/audit')
          .query({ entity: 'park', entityId: park.body.id })
          .set(manager.auth)
          .expect(200);
        expect(res.body.items.map((e: Body) => e.action)).toEqual(['update', 'create']);
      }
    });

    it.each<[string, string]>([
      ['limit=0', 'limit'],
      ['limit=1000', 'limit'],
      ['cursor=!!!', 'cursor'],
      [`cursor=${Buffer.from('["12; DROP TABLE x"]').toString('base64url')}`, 'cursor'],
      ['entityId=not-a-uuid', 'entityId'],
      ['entity=DROP%20TABLE', 'entity'],
      ['actor=me', 'actor'],
    ])('400 for ?%s naming %s', async (query, field) => {
      const res = await t.http.get(`/api/v1/audit?${query}`).set(bbManager.auth).expect(400);
      expect(fields(res)).toContain(field);
    });

    it('is append-only: no route changes or deletes entries, and the table refuses it', async () => {
      const [entry] = await t.ds.query(`SELECT id FROM audit_entries WHERE entity_id = $1 LIMIT 1`, [
        enterpriseId,
      ]);
      await t.http.delete(`/api/v1/audit/${entry.id}`).set(bbAdmin.auth).expect(404);
      await t.http.patch(`/api/v1/audit/${entry.id}`).set(bbAdmin.auth).send({ action: 'x' }).expect(404);
      // /audit answers GET only: another method is 405 (DESIGN §11), not a way to write.
      const post = await t.http.post('/api/v1/audit').set(bbAdmin.auth).send({ action: 'x' }).expect(405);
      expect(post.headers.allow).toBe('GET, HEAD');
      await expect(t.ds.query(`DELETE FROM audit_entries WHERE id = $1`, [entry.id])).rejects.toThrow(
        /append-only/,
      );
      await expect(
        t.ds.query(`UPDATE audit_entries SET action = 'x' WHERE id = $1`, [entry.id]),
      ).rejects.toThrow(/append-only/);
    });
  });

  describe('reports', () => {
    /** Leads inserted directly: these tests are about counting, not about the leads API. */
    async function lead(owner: TestUser, over: Body): Promise<string> {
      const v = {
        title: `报表线索${uniq()}`,
        segments: ['nev.battery-cell'],
        industries: ['nev'],
        planned_investment_wan: 100,
        stage: 'lead',
        sharing: 'private',
        ...over,
      };
      const [row] = await t.ds.query(
        `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, planned_investment_wan, stage,
                            jurisdiction, owner_id, sharing, signed_at, contract_amount_wan, funds_in_place)
         VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb) RETURNING id`,
        [
          v.title,
          `投资方${uniq()}`,
          v.segments,
          v.industries,
          v.planned_investment_wan,
          v.stage,
          owner.jurisdiction,
          owner.id,
          v.sharing,
          (v as Body).signed_at ?? null,
          (v as Body).contract_amount_wan ?? null,
          JSON.stringify((v as Body).funds_in_place ?? []),
        ],
      );
      return row.id;
    }

    let bbLead1: string;
    let myPrivate: string;

    beforeAll(async () => {
      bbLead1 = await lead(bbOfficer, { planned_investment_wan: 1000 });
      await lead(bbOfficer, {
        segments: ['ngit.sensors', 'nev.auto-sensors'],
        industries: ['ngit', 'nev'],
        planned_investment_wan: 500.5,
        stage: 'signed',
        signed_at: '2026-01-05',
        contract_amount_wan: 480.25,
        funds_in_place: [
          { at: '2026-01-10', amountWan: 100.5 },
          { at: '2026-02-10', amountWan: 20.1 },
        ],
      });
      myPrivate = await lead(myOfficer, {
        segments: ['biomed.ivd'],
        industries: ['biomed'],
        planned_investment_wan: 700,
      });
      await lead(myOfficer, { planned_investment_wan: 300, stage: 'visited', sharing: 'shared' });
    });

    /** The money figures of a group (万元): planned investment, contract amount, funds in place. */
    const money = (planned: number, contract = 0, funds = 0) => ({
      plannedInvestmentWan: planned,
      contractAmountWan: contract,
      fundsInPlaceWan: funds,
    });

    const pipeline = (user: { auth: Record<string, string> }, query: Body) =>
      t.http.get('/api/v1/reports/pipeline').query(query).set(user.auth);

    it('counts leads and planned investment per jurisdiction, industry and stage', async () => {
      const res = await pipeline(bbManager, {
        groupBy: 'jurisdiction,industry,stage',
        ownerId: bbOfficer.id,
      }).expect(200);
      expect(res.body.groupBy).toEqual(['jurisdiction', 'industry', 'stage']);
      expect(res.body.groups).toEqual([
        { jurisdiction: 'beibei', industry: 'nev', stage: 'lead', leads: 1, ...money(1000) },
        {
          jurisdiction: 'beibei',
          industry: 'nev',
          stage: 'signed',
          leads: 1,
          ...money(500.5, 480.25, 120.6),
        },
        {
          jurisdiction: 'beibei',
          industry: 'ngit',
          stage: 'signed',
          leads: 1,
          ...money(500.5, 480.25, 120.6),
        },
      ]);
      // the multi-industry lead counts once per industry in groups, once in totals, and says so
      expect(res.body.totals).toEqual({ leads: 2, ...money(1500.5, 480.25, 120.6) });
      expect(res.body.note).toMatch(/once in each of its industries/);
    });

    it('groups by any subset, stages in pipeline order; no groupBy gives the totals', async () => {
      const byStage = await pipeline(bbOfficer, { groupBy: 'stage', ownerId: bbOfficer.id }).expect(200);
      expect(byStage.body.groups).toEqual([
        { stage: 'lead', leads: 1, ...money(1000) },
        { stage: 'signed', leads: 1, ...money(500.5, 480.25, 120.6) },
      ]);
      expect(byStage.body.note).toBeUndefined();
      const repeated = await t.http
        .get(`/api/v1/reports/pipeline?groupBy=industry&groupBy=stage&ownerId=${bbOfficer.id}`)
        .set(bbOfficer.auth)
        .expect(200);
      expect(repeated.body.groupBy).toEqual(['industry', 'stage']);
      const none = await pipeline(bbOfficer, { ownerId: bbOfficer.id }).expect(200);
      expect(none.body).toMatchObject({
        groupBy: [],
        groups: [{ leads: 2, plannedInvestmentWan: 1500.5 }],
        totals: { leads: 2, plannedInvestmentWan: 1500.5 },
      });
      const filtered = await pipeline(bbOfficer, {
        ownerId: bbOfficer.id,
        industry: 'ngit',
        groupBy: 'industry',
      });
      expect(filtered.body.groups).toEqual([{ industry: 'ngit', leads: 1, ...money(500.5, 480.25, 120.6) }]);
    });

    it('respects visibility: the other city’s private lead is not counted, its shared one is', async () => {
      const seenByBeibei = await pipeline(bbManager, {
        groupBy: 'jurisdiction,stage',
        ownerId: myOfficer.id,
      }).expect(200);
      expect(seenByBeibei.body.groups).toEqual([
        { jurisdiction: 'mianyang', stage: 'visited', leads: 1, ...money(300) },
      ]);
      expect(seenByBeibei.body.totals).toEqual({ leads: 1, ...money(300) });
      const seenByMianyang = await pipeline(myManager, {
        groupBy: 'jurisdiction',
        ownerId: myOfficer.id,
      }).expect(200);
      expect(seenByMianyang.body.totals).toEqual({ leads: 2, ...money(1000) });
      const beibeiPrivate = await pipeline(myManager, {
        groupBy: 'jurisdiction',
        ownerId: bbOfficer.id,
      }).expect(200);
      expect(beibeiPrivate.body).toMatchObject({ groups: [], totals: { leads: 0, plannedInvestmentWan: 0 } });
      // the same holds for the whole report: every beibei group seen by mianyang is made of shared leads
      const all = await pipeline(myManager, { groupBy: 'jurisdiction' }).expect(200);
      const [{ n }] = await t.ds.query(
        `SELECT count(*)::int AS n FROM leads WHERE jurisdiction = 'mianyang' OR sharing = 'shared'`,
      );
      expect(all.body.totals.leads).toBeLessThanOrEqual(n);
    });

    it('API keys with leads:read may read reports; others may not', async () => {
      await pipeline(bbLeadsKey, { groupBy: 'stage' }).expect(200);
      await pipeline(bbBaseKey, { groupBy: 'stage' }).expect(403);
      await t.http.get('/api/v1/reports/summary').set(bbLeadsKey.auth).expect(200);
      await t.http.get('/api/v1/reports/summary').set(bbBaseKey.auth).expect(403);
      await t.http.get('/api/v1/reports/pipeline').expect(401);
    });

    it.each<[Body, string]>([
      [{ groupBy: 'owner' }, 'groupBy'],
      [{ groupBy: 'stage,stage' }, 'groupBy'],
      [{ groupBy: 'jurisdiction,industry,stage,owner' }, 'groupBy'],
      [{ stage: 'won' }, 'stage'],
      [{ industry: 'steel' }, 'industry'],
      [{ jurisdiction: 'chengdu' }, 'jurisdiction'],
      [{ ownerId: 'abc' }, 'ownerId'],
      [{ colour: 'red' }, 'colour'],
    ])('400 for %j naming %s', async (query, field) => {
      const res = await pipeline(bbManager, query).expect(400);
      expect(fields(res)).toContain(field);
    });

    it('summary: matches of the caller’s leads by status and open collisions, per jurisdiction', async () => {
      const parks: { id: string }[] = await t.ds.query(`SELECT id FROM parks ORDER BY id LIMIT 3`);
      const [enterprise] = await t.ds.query(
        `INSERT INTO enterprises (name, jurisdiction, segments) VALUES ($1, 'mianyang', '{nev.cathode}') RETURNING id`,
        [`匹配企业${uniq()}`],
      );
      const match = (status: string, parkId: string | null) =>
        t.ds.query(
          `INSERT INTO matches (lead_id, kind, enterprise_id, park_id, relation, score, status, algorithm_version, lead_version)
           VALUES ($1, $2, $3, $4, $5, 0.8, $6, 'test', 1)`,
          [
            bbLead1,
            parkId ? 'park' : 'partner',
            parkId ? null : enterprise.id,
            parkId,
            parkId ? null : 'upstream',
            status,
          ],
        );
      await match('proposed', parks[0].id);
      await match('proposed', parks[1].id);
      await match('accepted', parks[2].id);
      await match('rejected', null);
      await t.ds.query(
        `INSERT INTO collisions (lead_ids, jurisdictions, basis, similarity, first_reported_by)
         VALUES ($1, '{beibei,mianyang}', 'name', 0.8, 'beibei')`,
        [[bbLead1, myPrivate]],
      );
      const bb = await t.http
        .get(`/api/v1/reports/summary?ownerId=${bbOfficer.id}`)
        .set(bbManager.auth)
        .expect(200);
      const noDeals = { signedLeads: 0, contractAmountWan: 0, fundsInPlaceWan: 0, byJurisdiction: [] };
      expect(bb.body).toEqual({
        matches: { proposed: 2, accepted: 1, rejected: 1 },
        collisions: { open: 1 },
        deals: {
          signedLeads: 1,
          contractAmountWan: 480.25,
          fundsInPlaceWan: 120.6,
          byJurisdiction: [
            { jurisdiction: 'beibei', signedLeads: 1, contractAmountWan: 480.25, fundsInPlaceWan: 120.6 },
          ],
        },
      });
      const my = await t.http
        .get(`/api/v1/reports/summary?ownerId=${myOfficer.id}`)
        .set(myManager.auth)
        .expect(200);
      expect(my.body).toEqual({
        matches: { proposed: 0, accepted: 0, rejected: 0 },
        collisions: { open: 1 },
        deals: noDeals,
      });
      // mianyang never sees beibei's matches
      const other = await t.http
        .get(`/api/v1/reports/summary?ownerId=${bbOfficer.id}`)
        .set(myManager.auth)
        .expect(200);
      // …nor its private signed deals
      expect(other.body).toEqual({
        matches: { proposed: 0, accepted: 0, rejected: 0 },
        collisions: { open: 0 },
        deals: noDeals,
      });
      // A shared signed lead of the other city counts for both; a lost one for none.
      const partner = await makeUser(t.ds, t.http, 'mianyang', 'officer');
      const deal = { stage: 'started', signed_at: '2026-03-01', contract_amount_wan: 900 };
      await lead(partner, {
        ...deal,
        sharing: 'shared',
        funds_in_place: [{ at: '2026-03-09', amountWan: 300 }],
      });
      await lead(partner, { ...deal, sharing: 'private', contract_amount_wan: 5000 });
      await lead(partner, { ...deal, sharing: 'shared', stage: 'lost', contract_amount_wan: 7000 });
      const seen = async (user: TestUser) =>
        (await t.http.get(`/api/v1/reports/summary?ownerId=${partner.id}`).set(user.auth).expect(200)).body
          .deals;
      expect(await seen(bbManager)).toEqual({
        signedLeads: 1,
        contractAmountWan: 900,
        fundsInPlaceWan: 300,
        byJurisdiction: [
          { jurisdiction: 'mianyang', signedLeads: 1, contractAmountWan: 900, fundsInPlaceWan: 300 },
        ],
      });
      expect((await seen(myManager)).contractAmountWan).toBe(5900);
      const whole = await t.http.get('/api/v1/reports/summary').set(bbOfficer.auth).expect(200);
      expect(whole.body.matches.proposed).toBeGreaterThanOrEqual(2);
      await t.http.get('/api/v1/reports/summary?ownerId=x').set(bbOfficer.auth).expect(400);
    });
  });

  it('documents the audit and report endpoints in OpenAPI', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    expect(doc.paths['/api/v1/audit'].get.responses['403']).toBeDefined();
    expect(doc.paths['/api/v1/reports/pipeline'].get.responses['200']).toBeDefined();
    expect(doc.paths['/api/v1/reports/summary'].get).toBeDefined();
    expect(doc.components.schemas.AuditEntryDto).toBeDefined();
    expect(doc.components.schemas.PipelineReportDto).toBeDefined();
  });
});
