import { DataSource } from 'typeorm';
import { dropDatabase } from '../libs/db/database';
import { jsonbText, reasonsMd5 } from '../libs/match-store/match-store-plan';
import { MatchingService } from '../libs/match-store/matching.service';
import { TestApp, startApp } from './support/app';
import { makeApiKey, makeUser, uniq } from './support/factories';
import { migratedDatabase } from './support/databases';

jest.setTimeout(60_000);

async function enterprise(
  ds: DataSource,
  jurisdiction: string,
  segments: string[],
  opts: { needs?: string[]; chainLeader?: boolean } = {},
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO enterprises (name, jurisdiction, segments, needs, chain_leader) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [uniq('企业'), jurisdiction, segments, opts.needs ?? [], opts.chainLeader ?? true],
  );
  return row.id;
}

async function lead(
  ds: DataSource,
  jurisdiction: string,
  segments: string[],
  opts: { sharing?: string; landNeedMu?: number; stage?: string } = {},
): Promise<string> {
  const industries = [...new Set(segments.map((s) => s.split('.')[0]))];
  const title = uniq('项目');
  const [row] = await ds.query(
    `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, stage, jurisdiction, sharing, land_need_mu)
     VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      title,
      uniq('投资方'),
      segments,
      industries,
      opts.stage ?? 'lead',
      jurisdiction,
      opts.sharing ?? 'private',
      opts.landNeedMu ?? null,
    ],
  );
  return row.id;
}

const snapshot = (ds: DataSource, leadId: string) =>
  ds.query(
    `SELECT id, kind, COALESCE(enterprise_id, park_id) AS target, status, score, rank, version, reasons
       FROM matches WHERE lead_id = $1 ORDER BY id`,
    [leadId],
  );

describe('matching (DESIGN §10)', () => {
  // A database of its own: rankings depend on every park and enterprise in the database, and
  // other suites create parks and enterprises of their own concurrently.
  const url = `${process.env.DATABASE_URL}_matching`;
  let t: TestApp;
  let matching: MatchingService;
  beforeAll(async () => {
    await migratedDatabase(url);
    t = await startApp({ DATABASE_URL: url });
    matching = t.app.get(MatchingService);
  });
  afterAll(async () => {
    await t.close();
    await dropDatabase(url);
  });

  describe('a nev.battery-cell lead in Beibei', () => {
    let leadId: string;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      ids.cathode = await enterprise(t.ds, 'mianyang', ['nev.cathode'], { needs: ['nev.battery-cell'] });
      ids.separator = await enterprise(t.ds, 'mianyang', ['nev.separator'], { needs: ['nev.battery-cell'] });
      ids.pack = await enterprise(t.ds, 'beibei', ['nev.battery-pack'], { needs: ['nev.battery-cell'] });
      ids.peer = await enterprise(t.ds, 'mianyang', ['nev.battery-cell']);
      leadId = await lead(t.ds, 'beibei', ['nev.battery-cell']);
    });

    it('is pending until its version is matched, then ready with partners and reasons', async () => {
      const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
      const before = await t.http.get(`/api/v1/leads/${leadId}/matches`).set(officer.auth).expect(200);
      expect(before.body).toMatchObject({ status: 'pending', partners: [], parks: [] });

      const out = await matching.matchLeadJob({ leadId, version: 1 });
      expect(out.matched).toBe(1);

      const res = await t.http.get(`/api/v1/leads/${leadId}/matches`).set(officer.auth).expect(200);
      expect(res.body.status).toBe('ready');
      expect(res.body.computedAt).toEqual(expect.any(String));
      const byId = new Map<string, any>(res.body.partners.map((p: any) => [p.enterpriseId, p]));
      expect(byId.get(ids.cathode)).toMatchObject({ jurisdiction: 'mianyang', status: 'proposed' });
      expect(byId.get(ids.separator)).toBeDefined();
      expect(byId.get(ids.pack)).toMatchObject({ relation: 'downstream' });
      expect(byId.has(ids.peer)).toBe(false);
      expect(res.body.partners.length).toBeLessThanOrEqual(10);
      expect(res.body.parks.length).toBeLessThanOrEqual(3);
      const codes = byId.get(ids.cathode).reasons.map((r: any) => r.code);
      expect(codes).toEqual(expect.arrayContaining(['DIRECT_UPSTREAM', 'CROSS_CITY', 'CHAIN_LEADER']));
      expect(byId.get(ids.cathode).reasons[0].text).toMatch(/[\u4e00-\u9fff]/);
      expect(Object.keys(byId.get(ids.cathode).reasons[0]).sort()).toEqual(['code', 'text']);

      const en = await t.http
        .get(`/api/v1/leads/${leadId}/matches`)
        .set(officer.auth)
        .set('Accept-Language', 'en')
        .expect(200);
      const cathodeEn = en.body.partners.find((p: any) => p.enterpriseId === ids.cathode);
      expect(cathodeEn.reasons.map((r: any) => r.text).join(' ')).toMatch(/cathode/i);
    });

    it('running the same job twice leaves the same rows', async () => {
      const first = await snapshot(t.ds, leadId);
      const [{ n: eventsBefore }] = await t.ds.query(
        `SELECT count(*)::int AS n FROM domain_events WHERE type = 'match.proposed' AND detail->>'leadId' = $1`,
        [leadId],
      );
      await matching.matchLeadJob({ leadId, version: 1 });
      expect(await snapshot(t.ds, leadId)).toEqual(first);
      const [{ n: eventsAfter }] = await t.ds.query(
        `SELECT count(*)::int AS n FROM domain_events WHERE type = 'match.proposed' AND detail->>'leadId' = $1`,
        [leadId],
      );
      expect(eventsAfter).toBe(eventsBefore);
      expect(eventsBefore).toBe(first.length);
      const [state] = await t.ds.query(`SELECT matched_version FROM lead_match_state WHERE lead_id = $1`, [
        leadId,
      ]);
      expect(state.matched_version).toBe(1);
    });

    it('writes one change-log entry, one match.proposed event and one outbox row per new match', async () => {
      const rows: { id: string; reasons: any[]; digest: string }[] = await t.ds.query(
        `SELECT id, reasons, md5(reasons::text) AS digest FROM matches WHERE lead_id = $1`,
        [leadId],
      );
      expect(rows.length).toBeGreaterThan(0);
      const ids = rows.map((r) => r.id);
      const [log] = await t.ds.query(
        `SELECT count(*)::int AS n, count(DISTINCT entity_id)::int AS ids,
                bool_and(op = 'upsert' AND version = 1 AND jurisdictions = '{beibei}') AS shape
           FROM change_log WHERE entity = 'match' AND entity_id = ANY($1)`,
        [ids],
      );
      expect(log).toEqual({ n: rows.length, ids: rows.length, shape: true });
      const events = await t.ds.query(
        `SELECT e.entity_id, e.entity_version, e.jurisdiction, e.detail, o.kind, o.payload
           FROM domain_events e JOIN outbox o ON o.dedupe_key = 'dispatch-event:' || e.id
          WHERE e.type = 'match.proposed' AND e.entity = 'match' AND e.entity_id = ANY($1)`,
        [ids],
      );
      expect(events).toHaveLength(rows.length);
      for (const e of events) {
        expect(e).toMatchObject({ entity_version: 1, jurisdiction: 'beibei', kind: 'dispatch-event' });
        expect(e.detail).toEqual({ leadId, kind: expect.stringMatching(/^(partner|park)$/) });
        expect(Object.keys(e.payload)).toEqual(['eventId']);
      }
    });

    it('computes the same reasons digest as Postgres (md5 of the jsonb text)', async () => {
      const rows: { reasons: any[]; digest: string }[] = await t.ds.query(
        `SELECT reasons, md5(reasons::text) AS digest FROM matches WHERE lead_id = $1`,
        [leadId],
      );
      for (const r of rows) expect(reasonsMd5(r.reasons)).toBe(r.digest);
      const samples: unknown[] = [
        [],
        [{ textEn: 'a "quoted"\\ line\n\t', code: 'X', text: '北碚区、绵阳市 → 补链' }],
        { bb: 1, a: [true, null, 'x'], ccc: { z: '\u0001', y: -3 }, é: 'accent', ab: '' },
      ];
      for (const v of samples) {
        const [{ text }] = await t.ds.query(`SELECT $1::jsonb::text AS text`, [JSON.stringify(v)]);
        expect(jsonbText(v)).toBe(text);
      }
    });

    it('a job for an older match version hands over to the current one; older than stored, it skips', async () => {
      const other = await lead(t.ds, 'beibei', ['nev.battery-cell']);
      // Two changes of matching inputs (match version 3) whose jobs have not run.
      await t.ds.query(`UPDATE leads SET segments = '{nev.battery-pack}' WHERE id = $1`, [other]);
      await t.ds.query(`UPDATE leads SET segments = '{nev.vehicle}', land_need_mu = 10 WHERE id = $1`, [
        other,
      ]);
      expect(await matching.matchLeadJob({ leadId: other, version: 1 })).toMatchObject({
        skippedStale: 0,
        matched: 1,
      });
      const [state] = await t.ds.query(
        `SELECT s.matched_version, l.match_version FROM lead_match_state s JOIN leads l ON l.id = s.lead_id
          WHERE s.lead_id = $1`,
        [other],
      );
      expect(state).toEqual({ matched_version: 3, match_version: 3 });
      const computed = await snapshot(t.ds, other);
      expect(computed.length).toBeGreaterThan(0);
      // The job queued for version 2 finds matches of a newer version stored: nothing to do.
      expect(await matching.matchLeadJob({ leadId: other, version: 2 })).toMatchObject({
        skippedStale: 1,
        matched: 0,
      });
      expect(await snapshot(t.ds, other)).toEqual(computed);
      expect(
        await matching.matchLeadJob({ leadId: '00000000-0000-4000-8000-000000000000', version: 1 }),
      ).toMatchObject({ skippedMissing: 1 });
    });

    it('decisions survive a re-match; a rejected match is not proposed again; lost proposals are withdrawn', async () => {
      const manager = await makeUser(t.ds, t.http, 'beibei', 'manager');
      const [accept] = await t.ds.query(`SELECT id FROM matches WHERE lead_id = $1 AND enterprise_id = $2`, [
        leadId,
        ids.cathode,
      ]);
      const [reject] = await t.ds.query(`SELECT id FROM matches WHERE lead_id = $1 AND enterprise_id = $2`, [
        leadId,
        ids.separator,
      ]);
      const [withdraw] = await t.ds.query(
        `SELECT id FROM matches WHERE lead_id = $1 AND enterprise_id = $2`,
        [leadId, ids.pack],
      );
      const ok = await t.http
        .post(`/api/v1/matches/${accept.id}/decision`)
        .set(manager.auth)
        .send({ decision: 'accepted', note: '重点跟进' })
        .expect(200);
      expect(ok.body).toMatchObject({ id: accept.id, status: 'accepted', decisionNote: '重点跟进', leadId });
      await t.http
        .post(`/api/v1/matches/${reject.id}/decision`)
        .set(manager.auth)
        .send({ decision: 'rejected' })
        .expect(200);
      const [audit] = await t.ds.query(
        `SELECT action FROM audit_entries WHERE entity = 'match' AND entity_id = $1`,
        [accept.id],
      );
      expect(audit.action).toBe('match.decide');
      const [decided] = await t.ds.query(
        `SELECT count(*)::int AS n FROM domain_events WHERE type = 'match.decided' AND entity_id = $1`,
        [accept.id],
      );
      expect(decided.n).toBe(1);

      // Base data moves away: all three enterprises stop being chain partners of the lead.
      await t.ds.query(
        `UPDATE enterprises SET segments = '{biomed.tcm}', needs = '{}', version = version + 1 WHERE id = ANY($1)`,
        [[ids.cathode, ids.separator, ids.pack]],
      );
      await matching.matchLeadJob({ leadId, version: 1 });
      const rows = await snapshot(t.ds, leadId);
      const status = (id: string) => rows.find((r: any) => r.id === id)?.status;
      expect(status(accept.id)).toBe('accepted');
      expect(status(reject.id)).toBe('rejected');
      expect(status(withdraw.id)).toBe('withdrawn');

      // They come back: the rejected one stays rejected, the withdrawn one is proposed again.
      await t.ds.query(
        `UPDATE enterprises SET segments = '{nev.separator}', needs = '{nev.battery-cell}', version = version + 1 WHERE id = $1`,
        [ids.separator],
      );
      await t.ds.query(
        `UPDATE enterprises SET segments = '{nev.battery-pack}', needs = '{nev.battery-cell}', version = version + 1 WHERE id = $1`,
        [ids.pack],
      );
      await matching.matchLeadJob({ leadId, version: 1 });
      const again = await snapshot(t.ds, leadId);
      expect(again.find((r: any) => r.id === reject.id).status).toBe('rejected');
      expect(again.find((r: any) => r.id === withdraw.id).status).toBe('proposed');
      expect(again.find((r: any) => r.id === accept.id).status).toBe('accepted');
      const shown = await t.http.get(`/api/v1/leads/${leadId}/matches`).set(manager.auth).expect(200);
      expect(shown.body.partners.map((p: any) => p.id)).not.toContain(undefined);
      const statuses = new Map(shown.body.partners.map((p: any) => [p.id, p.status]));
      expect(statuses.get(reject.id)).toBe('rejected');
      expect(shown.body.partners.every((p: any) => p.status !== 'withdrawn')).toBe(true);
    });
  });

  it('proposes the Chongqing Sensor Industry Base and the co-built park to a sensors lead', async () => {
    const leadId = await lead(t.ds, 'beibei', ['ngit.sensors']);
    await matching.matchLeadJob({ leadId, version: 1 });
    const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    const res = await t.http.get(`/api/v1/leads/${leadId}/matches`).set(officer.auth).expect(200);
    const names = res.body.parks.map((p: any) => p.name);
    expect(names).toContain('重庆市传感器特色产业基地');
    expect(names).toContain('绵阳—北碚特色产业合作园区');
    expect(res.body.parks.find((p: any) => p.coBuilt).reasons.map((r: any) => r.code)).toContain(
      'CO_BUILT_PARK',
    );
  });

  describe('visibility and decisions (DESIGN §5)', () => {
    let privateLead: string;
    let sharedLead: string;
    let privateMatch: string;
    let sharedMatch: string;
    beforeAll(async () => {
      await enterprise(t.ds, 'beibei', ['nev.cathode']);
      privateLead = await lead(t.ds, 'mianyang', ['nev.battery-cell']);
      sharedLead = await lead(t.ds, 'mianyang', ['nev.battery-cell'], { sharing: 'shared' });
      await matching.matchLeads([{ leadId: privateLead }, { leadId: sharedLead }]);
      [{ id: privateMatch }] = await t.ds.query(`SELECT id FROM matches WHERE lead_id = $1 LIMIT 1`, [
        privateLead,
      ]);
      [{ id: sharedMatch }] = await t.ds.query(`SELECT id FROM matches WHERE lead_id = $1 LIMIT 1`, [
        sharedLead,
      ]);
    });

    it('an invisible lead answers 404; a shared one is readable by the partner', async () => {
      const bb = await makeUser(t.ds, t.http, 'beibei', 'manager');
      await t.http.get(`/api/v1/leads/${privateLead}/matches`).set(bb.auth).expect(404);
      await t.http.get(`/api/v1/leads/not-a-uuid/matches`).set(bb.auth).expect(404);
      const res = await t.http.get(`/api/v1/leads/${sharedLead}/matches`).set(bb.auth).expect(200);
      expect(res.body.status).toBe('ready');
      const list = await t.http
        .get('/api/v1/matches?limit=200&jurisdiction=mianyang')
        .set(bb.auth)
        .expect(200);
      const leadIds = new Set(list.body.items.map((i: any) => i.leadId));
      expect(leadIds.has(privateLead)).toBe(false);
      expect(leadIds.has(sharedLead)).toBe(true);
    });

    it('only managers of the lead’s jurisdiction decide: officer 403, partner 403 / 404', async () => {
      const officer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
      await t.http
        .post(`/api/v1/matches/${sharedMatch}/decision`)
        .set(officer.auth)
        .send({ decision: 'accepted' })
        .expect(403);
      const bb = await makeUser(t.ds, t.http, 'beibei', 'manager');
      await t.http
        .post(`/api/v1/matches/${sharedMatch}/decision`)
        .set(bb.auth)
        .send({ decision: 'accepted' })
        .expect(403);
      await t.http
        .post(`/api/v1/matches/${privateMatch}/decision`)
        .set(bb.auth)
        .send({ decision: 'accepted' })
        .expect(404);
      const my = await makeUser(t.ds, t.http, 'mianyang', 'manager');
      const bad = await t.http
        .post(`/api/v1/matches/${privateMatch}/decision`)
        .set(my.auth)
        .send({ decision: 'maybe' })
        .expect(400);
      expect(bad.body.details.map((d: any) => d.field)).toContain('decision');
      await t.http
        .post(`/api/v1/matches/${privateMatch}/decision`)
        .set(my.auth)
        .send({ decision: 'accepted', extra: 1 })
        .expect(400);
      await t.http
        .post(`/api/v1/matches/${privateMatch}/decision`)
        .set(my.auth)
        .send({ decision: 'accepted' })
        .expect(200);
    });

    it('API keys with matches:read may read; without it 403', async () => {
      const key = await makeApiKey(t.ds, 'mianyang', ['matches:read']);
      await t.http.get(`/api/v1/leads/${privateLead}/matches`).set(key.auth).expect(200);
      await t.http.get('/api/v1/matches').set(key.auth).expect(200);
      const other = await makeApiKey(t.ds, 'mianyang', ['leads:read']);
      await t.http.get(`/api/v1/leads/${privateLead}/matches`).set(other.auth).expect(403);
      await t.http
        .post(`/api/v1/matches/${privateMatch}/decision`)
        .set(key.auth)
        .send({ decision: 'rejected' })
        .expect(403);
    });

    it('pages the pipeline by keyset and filters by kind, status, industry and minScore', async () => {
      const my = await makeUser(t.ds, t.http, 'mianyang', 'manager');
      const all = await t.http.get('/api/v1/matches?limit=200').set(my.auth).expect(200);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `/api/v1/matches?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page: any = await t.http.get(q).set(my.auth).expect(200);
        seen.push(...page.body.items.map((i: any) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor && seen.length < 400);
      if (!all.body.nextCursor) expect(seen).toEqual(all.body.items.map((i: any) => i.id));
      expect(new Set(seen).size).toBe(seen.length);
      const parks = await t.http
        .get('/api/v1/matches?kind=park&minScore=0.3&industry=nev')
        .set(my.auth)
        .expect(200);
      for (const i of parks.body.items) {
        expect(i.kind).toBe('park');
        expect(i.score).toBeGreaterThanOrEqual(0.3);
        expect(i.parkId).toEqual(expect.any(String));
      }
      const accepted = await t.http.get('/api/v1/matches?status=accepted').set(my.auth).expect(200);
      expect(accepted.body.items.every((i: any) => i.status === 'accepted')).toBe(true);
      await t.http.get('/api/v1/matches?minScore=2').set(my.auth).expect(400);
      await t.http.get('/api/v1/matches?cursor=%%%').set(my.auth).expect(400);
    });
  });

  it('rematch-affected enqueues match-lead for the leads an enterprise change can affect', async () => {
    const leadId = await lead(t.ds, 'beibei', ['hiequip.reducers']);
    const unrelated = await lead(t.ds, 'beibei', ['biomed.tcm']);
    const id = await enterprise(t.ds, 'mianyang', ['hiequip.robots']);
    const out = await matching.rematchAffected({ entity: 'enterprise', id, version: 1 });
    expect(out.leads).toBeGreaterThanOrEqual(1);
    const rows = await t.ds.query(
      `SELECT payload FROM outbox WHERE kind = 'match-lead' AND dedupe_key LIKE $1`,
      [`%-enterprise-${id}-v1`],
    );
    const queued = rows.map((r: any) => r.payload.leadId);
    expect(queued).toContain(leadId);
    expect(queued).not.toContain(unrelated);
    await t.ds.query(`UPDATE enterprises SET version = 2 WHERE id = $1`, [id]);
    expect(await matching.rematchAffected({ entity: 'enterprise', id, version: 1 })).toMatchObject({
      stale: true,
    });
  });

  it('an admin starts a full re-match through the outbox and reads its state', async () => {
    const admin = await makeUser(t.ds, t.http, 'beibei', 'admin');
    const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    await t.http.post('/api/v1/matching/rematch').set(officer.auth).send({}).expect(403);
    const res = await t.http.post('/api/v1/matching/rematch').set(admin.auth).send({}).expect(202);
    expect(res.body.jobId).toMatch(/^rematch-all:[0-9a-f-]{36}:beibei$/); // a city's admin: their own city
    const status = await t.http.get(`/api/v1/matching/rematch/${res.body.jobId}`).set(admin.auth).expect(200);
    expect(['queued', 'waiting', 'active', 'completed']).toContain(status.body.state);
    expect(status.body.progress).toEqual({ done: expect.any(Number), total: expect.any(Number) });
    await t.http.get('/api/v1/matching/rematch/rematch-all:nope').set(admin.auth).expect(404);
    await t.http.get('/api/v1/matching/rematch/other').set(admin.auth).expect(404);
  });

  it('runs rematch-all with progress', async () => {
    const progress: { done: number; total: number }[] = [];
    const out = await matching.rematchAll({ requestedBy: null, jurisdiction: 'mianyang' }, async (p) => {
      progress.push(p);
    });
    expect(out.done).toBe(out.total);
    expect(progress[0]).toMatchObject({ done: 0 });
    expect(progress[progress.length - 1]).toEqual({ done: out.done, total: out.total });
  });

  it('serves Bull Board at /admin/queues to admins only', async () => {
    await t.http.get('/admin/queues').expect(401);
    const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    await t.http.get('/admin/queues').set(officer.auth).expect(403);
    const admin = await makeUser(t.ds, t.http, 'beibei', 'admin');
    const page = await t.http.get('/admin/queues').set(admin.auth).expect(200);
    expect(page.text).toMatch(/<html/i);
    const api = await t.http.get('/admin/queues/api/queues').set(admin.auth).expect(200);
    expect(JSON.stringify(api.body)).toContain('matching');
    const viaQuery = await t.http.get(`/admin/queues?token=${admin.token}`).expect(200);
    expect(String(viaQuery.headers['set-cookie'])).toMatch(/lc_board=.*HttpOnly; SameSite=Strict/);
  });
});
