import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq } from './support/factories';

// The e2e project's testTimeout is not applied to hooks here; app start-up under load can take > 5 s.
jest.setTimeout(60_000);

type Body = Record<string, unknown>;
const fields = (res: { body: { details?: { field: string }[] } }) =>
  (res.body.details ?? []).map((d) => d.field);

/** The API behind the officers' and managers' daily work: the home inbox, bulk match decisions, report periods. */
describe('daily work (home inbox, bulk decisions, report periods)', () => {
  let t: TestApp;
  let bbOfficer: TestUser;
  let bbOfficer2: TestUser;
  let bbManager: TestUser;
  let myManager: TestUser;

  /** Leads inserted directly: these tests are about what waits on whom, not the leads API. */
  async function lead(owner: TestUser, over: Body = {}): Promise<string> {
    const v = { stage: 'lead', sharing: 'private', next_action_at: null, updated_at: null, ...over } as Body;
    const [row] = await t.ds.query(
      `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, planned_investment_wan, stage,
                          jurisdiction, owner_id, sharing, next_action_at, updated_at, created_at,
                          signed_at, contract_amount_wan, funds_in_place)
       VALUES ($1, $2, $2, '{nev.battery-cell}', '{nev}', 100, $3, $4, $5, $6, $7::timestamptz,
               coalesce($8::timestamptz, now()), coalesce($9::timestamptz, now()), $10, $11, $12::jsonb)
       RETURNING id`,
      [
        (v.title as string) ?? `日常线索${uniq()}`,
        `投资方${uniq()}`,
        v.stage,
        owner.jurisdiction,
        owner.id,
        v.sharing,
        v.next_action_at,
        v.updated_at,
        v.created_at ?? null,
        v.signed_at ?? null,
        v.contract_amount_wan ?? null,
        JSON.stringify(v.funds_in_place ?? []),
      ],
    );
    return row.id;
  }

  /** A proposed park match of `leadId` (parks come with the reference data). */
  async function match(leadId: string, n: number, score = 0.8): Promise<string> {
    const [park] = await t.ds.query(`SELECT id FROM parks ORDER BY id OFFSET $1 LIMIT 1`, [n]);
    const [row] = await t.ds.query(
      `INSERT INTO matches (lead_id, kind, park_id, score, reasons, algorithm_version, lead_version)
       VALUES ($1, 'park', $2, $3, '[]', 'test', 1) RETURNING id`,
      [leadId, park.id, score],
    );
    return row.id;
  }

  beforeAll(async () => {
    t = await startApp();
    [bbOfficer, bbOfficer2, bbManager, myManager] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'officer'),
      makeUser(t.ds, t.http, 'beibei', 'officer'),
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'mianyang', 'manager'),
    ]);
  });
  afterAll(() => t.close());

  describe('GET /me/inbox', () => {
    const ids: Record<string, string> = {};
    let myLead: string;

    beforeAll(async () => {
      const day = 24 * 3600 * 1000;
      const at = (ms: number) => new Date(Date.now() + ms).toISOString();
      ids.overdue = await lead(bbOfficer, { next_action_at: at(-3 * day), updated_at: at(-5 * day) });
      ids.today = await lead(bbOfficer, { next_action_at: new Date().toISOString() });
      ids.later = await lead(bbOfficer, { next_action_at: at(10 * day) });
      ids.noneOld = await lead(bbOfficer, { updated_at: at(-9 * day) });
      ids.noneNew = await lead(bbOfficer, { updated_at: at(-1 * day) });
      ids.lost = await lead(bbOfficer, { stage: 'lost', next_action_at: at(-1 * day) });
      await lead(bbOfficer2, { next_action_at: at(-3 * day) });
      myLead = await lead(await makeUser(t.ds, t.http, 'mianyang', 'officer'), {});
      await t.ds.query(
        `INSERT INTO collisions (lead_ids, jurisdictions, basis, similarity, first_reported_by)
         VALUES ($1, '{beibei,mianyang}', 'name', 0.8, 'mianyang')`,
        [[ids.later, myLead]],
      );
      await match(ids.today, 0);
      await match(ids.later, 1);
      await t.ds.query(
        `INSERT INTO agreements (kind, subject_entity, subject_id, proposed_by_jurisdiction, deciding_jurisdiction,
                                 jurisdictions, change)
         VALUES ('park.jurisdictions', 'park', gen_random_uuid(), 'mianyang', 'beibei', '{beibei,mianyang}', '{}')`,
      );
    });

    it('lists the officer’s leads by next action (none last), then last change; counts overdue and due today', async () => {
      const res = await t.http.get('/api/v1/me/inbox').set(bbOfficer.auth).expect(200);
      const { myLeads } = res.body;
      expect(myLeads).toMatchObject({ overdue: 1, dueToday: 1, total: 5 });
      expect(myLeads.items.map((l: { id: string }) => l.id)).toEqual([
        ids.overdue,
        ids.today,
        ids.later,
        ids.noneNew,
        ids.noneOld,
      ]);
      expect(myLeads.items.map((l: { due: string }) => l.due)).toEqual([
        'overdue',
        'today',
        'later',
        'none',
        'none',
      ]);
    });

    it('an officer sees collisions and matches on their own leads, no agreements', async () => {
      const mine = await t.http.get('/api/v1/me/inbox').set(bbOfficer.auth).expect(200);
      expect(mine.body).toMatchObject({
        collisions: { count: 1 },
        matches: { count: 2 },
        agreements: { count: 0 },
      });
      const other = await t.http.get('/api/v1/me/inbox').set(bbOfficer2.auth).expect(200);
      expect(other.body).toMatchObject({
        myLeads: { overdue: 1, total: 1 },
        collisions: { count: 0 },
        matches: { count: 0 },
      });
    });

    it('a manager sees the city’s collisions, agreements waiting on it and matches to decide', async () => {
      const bb = await t.http.get('/api/v1/me/inbox').set(bbManager.auth).expect(200);
      expect(bb.body.collisions.count).toBeGreaterThanOrEqual(1);
      expect(bb.body.agreements.count).toBeGreaterThanOrEqual(1);
      expect(bb.body.matches.count).toBeGreaterThanOrEqual(2);
      expect(bb.body.myLeads).toMatchObject({ total: 0, items: [] });
      // Mianyang decides none of Beibei's matches and the agreement is not waiting on it.
      const my = await t.http.get('/api/v1/me/inbox').set(myManager.auth).expect(200);
      const [[{ n: myMatches }], [{ n: myAgreements }]] = await Promise.all([
        t.ds.query(
          `SELECT count(*)::int AS n FROM matches m JOIN leads l ON l.id = m.lead_id
            WHERE m.status = 'proposed' AND l.jurisdiction = 'mianyang'`,
        ),
        t.ds.query(
          `SELECT count(*)::int AS n FROM agreements WHERE status = 'pending' AND deciding_jurisdiction = 'mianyang'`,
        ),
      ]);
      expect(my.body.matches.count).toBe(myMatches);
      expect(my.body.agreements.count).toBe(myAgreements);
    });

    it('needs a signed-in user', async () => {
      await t.http.get('/api/v1/me/inbox').expect(401);
    });
  });

  describe('POST /matches/decisions', () => {
    let leadId: string;
    let partnerLead: string;

    beforeAll(async () => {
      leadId = await lead(bbOfficer);
      partnerLead = await lead(await makeUser(t.ds, t.http, 'mianyang', 'officer'), { sharing: 'shared' });
    });

    it('accepts many at once and says how each was decided', async () => {
      const a = await match(leadId, 2);
      const b = await match(leadId, 3);
      const res = await t.http
        .post('/api/v1/matches/decisions')
        .set(bbManager.auth)
        .send({ ids: [a, b], decision: 'accepted', note: '批量' })
        .expect(200);
      expect(res.body.items.map((m: Body) => [m.id, m.status, m.decisionNote])).toEqual([
        [a, 'accepted', '批量'],
        [b, 'accepted', '批量'],
      ]);
      const audit = await t.ds.query(
        `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'match.decide' AND entity_id = ANY ($1)`,
        [[a, b]],
      );
      expect(audit[0].n).toBe(2);
    });

    it('all or none: one refused id leaves every match as it was and is named', async () => {
      const a = await match(leadId, 4);
      const foreign = await match(partnerLead, 0);
      const missing = '00000000-0000-4000-8000-000000000000';
      const res = await t.http
        .post('/api/v1/matches/decisions')
        .set(bbManager.auth)
        .send({ ids: [a, foreign, missing], decision: 'rejected' })
        .expect(422);
      expect(res.body.message).toMatch(/2 of 3/);
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'ids[1]', code: 'MATCH_DECISION_FORBIDDEN' }),
        expect.objectContaining({ field: 'ids[2]', code: 'MATCH_NOT_FOUND' }),
      ]);
      const [row] = await t.ds.query(`SELECT status FROM matches WHERE id = $1`, [a]);
      expect(row.status).toBe('proposed');
    });

    it.each([
      [{ ids: [], decision: 'accepted' }, 'ids'],
      [{ ids: ['nope'], decision: 'accepted' }, 'ids'],
      [{ ids: ['00000000-0000-4000-8000-000000000000'], decision: 'maybe' }, 'decision'],
    ])('400 for %j naming %s', async (body, field) => {
      const res = await t.http.post('/api/v1/matches/decisions').set(bbManager.auth).send(body).expect(400);
      expect(fields(res).some((f) => f.startsWith(field))).toBe(true);
    });

    it('is for managers', async () => {
      const a = await match(leadId, 5);
      await t.http
        .post('/api/v1/matches/decisions')
        .set(bbOfficer.auth)
        .send({ ids: [a], decision: 'accepted' })
        .expect(403);
    });

    it('GET /matches filters by lead and score range', async () => {
      const other = await lead(bbOfficer);
      const low = await match(other, 0, 0.3);
      const high = await match(other, 1, 0.9);
      const all = await t.http
        .get('/api/v1/matches')
        .query({ leadId: other })
        .set(bbManager.auth)
        .expect(200);
      expect(all.body.items.map((m: Body) => m.id)).toEqual([high, low]);
      const capped = await t.http
        .get('/api/v1/matches')
        .query({ leadId: other, maxScore: 0.5 })
        .set(bbManager.auth)
        .expect(200);
      expect(capped.body.items.map((m: Body) => m.id)).toEqual([low]);
      const bad = await t.http.get('/api/v1/matches').query({ leadId: 'x' }).set(bbManager.auth).expect(400);
      expect(fields(bad)).toContain('leadId');
    });
  });

  describe('report periods (from / to)', () => {
    let owner: TestUser;

    beforeAll(async () => {
      owner = await makeUser(t.ds, t.http, 'beibei', 'officer');
      // first reported 2026-03-31 23:30 in Beijing time: a March lead, though UTC says the 31st 15:30
      await lead(owner, { created_at: '2026-03-31T15:30:00Z' });
      await lead(owner, { created_at: '2026-04-01T02:00:00Z' });
      await lead(owner, {
        created_at: '2026-01-10T02:00:00Z',
        stage: 'signed',
        signed_at: '2026-01-20',
        contract_amount_wan: 800,
        funds_in_place: [
          { at: '2026-02-01', amountWan: 100 },
          { at: '2026-04-02', amountWan: 50 },
        ],
      });
    });

    const pipeline = (query: Body) =>
      t.http
        .get('/api/v1/reports/pipeline')
        .query({ ownerId: owner.id, ...query })
        .set(bbManager.auth);
    const summary = (query: Body) =>
      t.http
        .get('/api/v1/reports/summary')
        .query({ ownerId: owner.id, ...query })
        .set(bbManager.auth);

    it('pipeline counts the leads first reported on the period’s days (China Standard Time)', async () => {
      expect((await pipeline({}).expect(200)).body.totals.leads).toBe(3);
      expect((await pipeline({ from: '2026-03-01', to: '2026-03-31' }).expect(200)).body.totals.leads).toBe(
        1,
      );
      expect((await pipeline({ from: '2026-04-01' }).expect(200)).body.totals.leads).toBe(1);
      expect((await pipeline({ to: '2026-01-10' }).expect(200)).body.totals.leads).toBe(1);
    });

    it('summary counts the deals signed in the period and the funds that arrived in it', async () => {
      const all = await summary({}).expect(200);
      expect(all.body.deals).toMatchObject({ signedLeads: 1, contractAmountWan: 800, fundsInPlaceWan: 150 });
      const q1 = await summary({ from: '2026-01-01', to: '2026-03-31' }).expect(200);
      expect(q1.body.deals).toMatchObject({ signedLeads: 1, contractAmountWan: 800, fundsInPlaceWan: 100 });
      const q2 = await summary({ from: '2026-04-01', to: '2026-06-30' }).expect(200);
      expect(q2.body.deals).toMatchObject({ signedLeads: 0, contractAmountWan: 0, fundsInPlaceWan: 50 });
    });

    it.each([
      [{ from: '2026-4-1' }, 'from'],
      [{ to: '2026-02-30' }, 'to'],
      [{ from: '2026-13-01' }, 'from'],
      [{ from: '2026-05-01', to: '2026-04-01' }, 'to'],
    ])('400 for %j naming %s', async (query, field) => {
      expect(fields(await pipeline(query).expect(400))).toContain(field);
      expect(fields(await summary(query).expect(400))).toContain(field);
    });
  });
});
