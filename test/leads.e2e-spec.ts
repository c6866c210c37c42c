import { TestApp, startApp } from './support/app';
import { TestUser, makeApiKey, makeUser, uniq, randomUscc } from './support/factories';

describe('leads', () => {
  let t: TestApp;
  let officer: TestUser;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startApp();
    officer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    manager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
  });
  afterAll(() => t.close());

  const body = (over: Record<string, unknown> = {}) => ({
    title: `项目 ${uniq()}`,
    investor: { name: `投资方${uniq()}科技有限公司` },
    segments: ['nev.battery-cell'],
    plannedInvestmentWan: 12000,
    ...over,
  });
  const create = async (user: { auth: Record<string, string> }, over: Record<string, unknown> = {}) => {
    const res = await t.http.post('/api/v1/leads').set(user.auth).send(body(over));
    expect(res.status).toBe(201);
    return res.body;
  };

  describe('create and read', () => {
    it('creates in the caller’s jurisdiction, owned by the caller, with derived industries', async () => {
      const uscc = randomUscc('9151070');
      const res = await t.http
        .post('/api/v1/leads')
        .set(officer.auth)
        .send(
          body({
            investor: { name: `新锂${uniq()}材料股份有限公司`, uscc, country: 'CN' },
            segments: ['nev.battery-cell', 'nmat.polymers'],
            landNeedMu: 120.5,
            expectedJobs: 300,
            source: 'event',
            nextActionAt: '2026-12-15T02:00:00Z',
            contacts: [{ name: '王总', phone: '+86 138 0000 0000', email: 'wang@example.com' }],
            externalRefs: [{ system: 'mianyang-crm', id: 'L-1' }],
          }),
        )
        .expect(201);
      const lead = res.body;
      expect(lead).toMatchObject({
        jurisdiction: 'mianyang',
        ownerId: officer.id,
        stage: 'lead',
        sharing: 'private',
        confidential: false,
        version: 1,
        plannedInvestmentWan: 12000,
        landNeedMu: 120.5,
        expectedJobs: 300,
        source: 'event',
        nextActionAt: '2026-12-15T02:00:00.000Z',
        collisions: [],
      });
      expect(lead.investor.uscc).toBe(uscc);
      expect(lead.industries).toEqual(['nev', 'nmat']);
      expect(res.headers.etag).toBe('"1"');

      const got = await t.http.get(`/api/v1/leads/${lead.id}`).set(officer.auth).expect(200);
      expect(got.headers.etag).toBe('"1"');
      expect(got.body.contacts).toEqual([
        { name: '王总', phone: '+86 138 0000 0000', email: 'wang@example.com' },
      ]);
      expect(got.body).not.toHaveProperty('collisions');
    });

    it('records audit, a domain event and a match job in the same transaction', async () => {
      const lead = await create(officer);
      const audit = await t.ds.query(
        `SELECT action, changes FROM audit_entries WHERE entity = 'lead' AND entity_id = $1`,
        [lead.id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].action).toBe('create');
      expect(audit[0].changes.title).toEqual({ before: null, after: lead.title });
      const jobs = await t.ds.query(
        `SELECT dedupe_key, payload FROM outbox WHERE kind = 'match-lead' AND payload->>'leadId' = $1`,
        [lead.id],
      );
      expect(jobs).toEqual([
        {
          dedupe_key: expect.stringMatching(`^match-lead:${lead.id}:m1-`),
          payload: { leadId: lead.id, version: 1 },
        },
      ]);
      const [state] = await t.ds.query(`SELECT * FROM lead_match_state WHERE lead_id = $1`, [lead.id]);
      expect(state).toMatchObject({ matched_version: 0, queued_version: 1, queued_key: jobs[0].dedupe_key });
      const events = await t.ds.query(`SELECT type, entity_version FROM domain_events WHERE entity_id = $1`, [
        lead.id,
      ]);
      expect(events).toEqual([{ type: 'lead.created', entity_version: 1 }]);
    });

    it('may start past `lead`, and lets a manager assign another owner of the jurisdiction', async () => {
      const lead = await create(manager, {
        stage: 'signed',
        ownerId: officer.id,
        signedAt: '2026-09-30',
        contractAmountWan: 11000,
      });
      expect(lead.stage).toBe('signed');
      expect(lead.ownerId).toBe(officer.id);
      expect(lead).toMatchObject({ signedAt: '2026-09-30', contractAmountWan: 11000, fundsInPlaceWan: 0 });
    });

    it('answers 404 for unknown and non-UUID ids', async () => {
      await t.http.get('/api/v1/leads/00000000-0000-4000-8000-000000000000').set(officer.auth).expect(404);
      await t.http.get('/api/v1/leads/not-a-uuid').set(officer.auth).expect(404);
    });

    it('replays an Idempotency-Key with the same body and refuses another body', async () => {
      const key = uniq('idem-');
      const b = body();
      const first = await t.http
        .post('/api/v1/leads')
        .set(officer.auth)
        .set('Idempotency-Key', key)
        .send(b)
        .expect(201);
      const again = await t.http
        .post('/api/v1/leads')
        .set(officer.auth)
        .set('Idempotency-Key', key)
        .send(b)
        .expect(201);
      expect(again.body.id).toBe(first.body.id);
      const n = await t.ds.query(`SELECT count(*)::int AS n FROM leads WHERE title = $1`, [b.title]);
      expect(n[0].n).toBe(1);
      await t.http
        .post('/api/v1/leads')
        .set(officer.auth)
        .set('Idempotency-Key', key)
        .send({ ...b, title: 'other' })
        .expect(422);
    });

    it('lets an API key with leads:write create (no owner) and leads:read read', async () => {
      const w = await makeApiKey(t.ds, 'mianyang', ['leads:read', 'leads:write']);
      const r = await makeApiKey(t.ds, 'mianyang', ['leads:read']);
      const lead = await create(w);
      expect(lead.ownerId).toBeNull();
      await t.http.get(`/api/v1/leads/${lead.id}`).set(r.auth).expect(200);
      await t.http.post('/api/v1/leads').set(r.auth).send(body()).expect(403);
      const none = await makeApiKey(t.ds, 'mianyang', ['base:read']);
      await t.http.get(`/api/v1/leads/${lead.id}`).set(none.auth).expect(403);
    });
  });

  it('documents every lead and collision endpoint in the OpenAPI document', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/leads']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/v1/leads/{id}']).sort()).toEqual(['get', 'patch']);
    expect(paths['/api/v1/leads/{id}/stage'].post).toBeDefined();
    expect(Object.keys(paths['/api/v1/leads/{id}/activities']).sort()).toEqual(['get', 'post']);
    expect(paths['/api/v1/collisions'].get).toBeDefined();
    expect(paths['/api/v1/collisions/{id}/resolve'].post).toBeDefined();
    expect(doc.components.schemas.CreatedLeadDto.properties.collisions).toBeDefined();
  });

  describe('list', () => {
    const tag = uniq('tag');
    const ids: string[] = [];
    let other: TestUser;
    beforeAll(async () => {
      other = await makeUser(t.ds, t.http, 'mianyang', 'officer');
      ids.push((await create(officer, { title: `${tag} 电池 A`, segments: ['nev.battery-cell'] })).id);
      ids.push(
        (await create(officer, { title: `${tag} 电池 B`, segments: ['nev.battery-cell'], sharing: 'shared' }))
          .id,
      );
      ids.push(
        (await create(other, { title: `${tag} 材料 C`, segments: ['nmat.polymers'], stage: 'visited' })).id,
      );
      ids.push((await create(other, { title: `${tag} 材料 D`, segments: ['nmat.composites'] })).id);
      ids.push((await create(other, { title: `${tag} 材料 E`, segments: ['nmat.composites'] })).id);
    });
    const list = async (query: Record<string, string | number>) => {
      const res = await t.http
        .get('/api/v1/leads')
        .query({ q: tag, ...query })
        .set(officer.auth)
        .expect(200);
      return res.body as { items: { id: string; title: string }[]; nextCursor: string | null };
    };

    it('searches title and investor name with q', async () => {
      const page = await list({});
      expect(page.items.map((i) => i.id).sort()).toEqual([...ids].sort());
      const other = uniq('inv');
      const byInvestor = await create(officer, { investor: { name: `甲乙丙丁${other}有限公司` } });
      const found = await list({ q: `甲乙丙丁${other}` });
      expect(found.items.map((i) => i.id)).toEqual([byInvestor.id]);
      // two characters (no trigram to look up): the character-pair index
      const pair = await create(officer, { title: `鳕鲑养殖 ${uniq()}` });
      expect((await list({ q: '鳕鲑' })).items.map((i) => i.id)).toContain(pair.id);
      expect((await list({ q: '鲑鳕' })).items.map((i) => i.id)).not.toContain(pair.id);
      // fuzzy: one wrong character still finds it
      const fuzzy = await list({ q: `甲乙丙戊${other}` });
      expect(fuzzy.items.map((i) => i.id)).toEqual([byInvestor.id]);
    });

    it('filters by stage, industry, segment, sharing, owner and jurisdiction', async () => {
      expect((await list({ stage: 'visited' })).items.map((i) => i.id)).toEqual([ids[2]]);
      expect((await list({ industry: 'nev' })).items.map((i) => i.id).sort()).toEqual(
        [ids[0], ids[1]].sort(),
      );
      expect((await list({ segment: 'nmat.composites' })).items.map((i) => i.id).sort()).toEqual(
        [ids[3], ids[4]].sort(),
      );
      expect((await list({ sharing: 'shared' })).items.map((i) => i.id)).toEqual([ids[1]]);
      expect((await list({ ownerId: other.id })).items.map((i) => i.id).sort()).toEqual(
        [ids[2], ids[3], ids[4]].sort(),
      );
      expect((await list({ jurisdiction: 'beibei' })).items).toEqual([]);
      expect((await list({ jurisdiction: 'mianyang' })).items).toHaveLength(5);
    });

    it('pages with an opaque cursor, without duplicates, stable while rows are inserted', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(cursor ? { limit: 2, cursor } : { limit: 2 });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        if (pages === 0) await create(officer, { title: `${tag} 新增` }); // inserted mid-way
        pages++;
      } while (cursor && pages < 10);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of ids) expect(seen).toContain(id);
      expect([...seen]).toEqual([...seen].sort());
    });

    it('lists changes since a time in (updatedAt, id) order', async () => {
      const since = new Date(Date.now() - 60_000).toISOString();
      const first = await list({ updatedSince: since, limit: 3 });
      expect(first.items).toHaveLength(3);
      const second = await list({ updatedSince: since, limit: 3, cursor: first.nextCursor! });
      const all = [...first.items, ...second.items].map((i) => i.id);
      expect(new Set(all).size).toBe(all.length);
      const future = await list({ updatedSince: new Date(Date.now() + 3_600_000).toISOString() });
      expect(future.items).toEqual([]);
    });
  });

  describe('change (PATCH)', () => {
    it('needs If-Match (428), refuses a stale one (412 with the current version), bumps the version', async () => {
      const lead = await create(officer);
      const url = `/api/v1/leads/${lead.id}`;
      const missing = await t.http.patch(url).set(officer.auth).send({ title: 'x' }).expect(428);
      expect(missing.body.details[0].field).toBe('If-Match');
      const ok = await t.http
        .patch(url)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ summary: '第一次' })
        .expect(200);
      expect(ok.body.version).toBe(2);
      expect(ok.headers.etag).toBe('"2"');
      const stale = await t.http
        .patch(url)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ summary: '旧' })
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2 });
      const audit = await t.ds.query(
        `SELECT changes FROM audit_entries WHERE entity = 'lead' AND entity_id = $1 AND action = 'update'`,
        [lead.id],
      );
      expect(audit).toEqual([{ changes: { summary: { before: '', after: '第一次' } } }]);
    });

    it('of two concurrent PATCHes with the same If-Match exactly one wins and no field is lost', async () => {
      for (let round = 0; round < 5; round++) {
        const lead = await create(officer);
        const url = `/api/v1/leads/${lead.id}`;
        const [a, b] = await Promise.all([
          t.http
            .patch(url)
            .set(officer.auth)
            .set('If-Match', '"1"')
            .send({ title: `A-${round}` }),
          t.http
            .patch(url)
            .set(manager.auth)
            .set('If-Match', '"1"')
            .send({ summary: `B-${round}` }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 412]);
        const winner = a.status === 200 ? a : b;
        const loser = a.status === 200 ? b : a;
        expect(loser.body.currentVersion).toBe(2);
        const now = await t.http.get(url).set(officer.auth).expect(200);
        expect(now.body.version).toBe(2);
        if (winner === a) {
          expect(now.body.title).toBe(`A-${round}`);
          expect(now.body.summary).toBe('');
        } else {
          expect(now.body.summary).toBe(`B-${round}`);
          expect(now.body.title).toBe(lead.title);
        }
      }
    });

    it('a no-op PATCH keeps the version', async () => {
      const lead = await create(officer);
      const res = await t.http
        .patch(`/api/v1/leads/${lead.id}`)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ title: lead.title })
        .expect(200);
      expect(res.body.version).toBe(1);
    });

    it('re-derives industries and queues a match job when segments change', async () => {
      const lead = await create(officer);
      const res = await t.http
        .patch(`/api/v1/leads/${lead.id}`)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ segments: ['nmat.polymers'], investor: { name: '新名字有限公司' } })
        .expect(200);
      expect(res.body.industries).toEqual(['nmat']);
      expect(res.body.investor.name).toBe('新名字有限公司');
      const norm = await t.ds.query(`SELECT investor_norm FROM leads WHERE id = $1`, [lead.id]);
      expect(norm[0].investor_norm).toBe('新名字');
      const jobs = await t.ds.query(
        `SELECT payload FROM outbox WHERE kind = 'match-lead' AND payload->>'leadId' = $1 ORDER BY id`,
        [lead.id],
      );
      expect(jobs.map((j: { payload: { version: number } }) => j.payload.version)).toEqual([1, 2]);
      const events = await t.ds.query(
        `SELECT type FROM domain_events WHERE entity_id = $1 ORDER BY entity_version`,
        [lead.id],
      );
      expect(events.map((e: { type: string }) => e.type)).toEqual(['lead.created', 'lead.updated']);
    });

    it('does not queue a match job for a change that cannot affect matching', async () => {
      const lead = await create(officer);
      await t.http
        .patch(`/api/v1/leads/${lead.id}`)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ summary: 'only words', expectedJobs: 12, sharing: 'shared' })
        .expect(200);
      await t.http
        .post(`/api/v1/leads/${lead.id}/stage`)
        .set(officer.auth)
        .send({ stage: 'contacted' })
        .expect(200);
      const jobs = await t.ds.query(
        `SELECT payload FROM outbox WHERE kind = 'match-lead' AND payload->>'leadId' = $1`,
        [lead.id],
      );
      expect(jobs).toEqual([{ payload: { leadId: lead.id, version: 1 } }]);
      const [row] = await t.ds.query(`SELECT version, match_version FROM leads WHERE id = $1`, [lead.id]);
      expect(row).toEqual({ version: 3, match_version: 1 });
    });

    it('queues a match job for each change of land need or planned investment (matching inputs)', async () => {
      const lead = await create(officer);
      const patch = (version: number, body: Record<string, unknown>) =>
        t.http
          .patch(`/api/v1/leads/${lead.id}`)
          .set(officer.auth)
          .set('If-Match', `"${version}"`)
          .send(body)
          .expect(200);
      await patch(1, { landNeedMu: 120 });
      await patch(2, { plannedInvestmentWan: 99000 });
      await patch(3, { title: '只改名称' });
      const jobs = await t.ds.query(
        `SELECT payload FROM outbox WHERE kind = 'match-lead' AND payload->>'leadId' = $1 ORDER BY id`,
        [lead.id],
      );
      expect(jobs.map((j: { payload: { version: number } }) => j.payload.version)).toEqual([1, 2, 3]);
      const [row] = await t.ds.query(`SELECT version, match_version FROM leads WHERE id = $1`, [lead.id]);
      expect(row).toEqual({ version: 4, match_version: 3 });
    });

    it('queues a match job when a manager reopens a lost lead (its matches were frozen meanwhile)', async () => {
      const lead = await create(officer);
      await t.http
        .post(`/api/v1/leads/${lead.id}/stage`)
        .set(officer.auth)
        .send({ stage: 'lost' })
        .expect(200);
      await t.http
        .post(`/api/v1/leads/${lead.id}/stage`)
        .set(manager.auth)
        .send({ stage: 'lead' })
        .expect(200);
      const jobs = await t.ds.query(
        `SELECT payload FROM outbox WHERE kind = 'match-lead' AND payload->>'leadId' = $1 ORDER BY id`,
        [lead.id],
      );
      expect(jobs.map((j: { payload: { version: number } }) => j.payload.version)).toEqual([1, 2]);
    });

    it('lets managers reassign the owner (to a user of the same jurisdiction), not officers', async () => {
      const lead = await create(officer);
      const url = `/api/v1/leads/${lead.id}`;
      const colleague = await makeUser(t.ds, t.http, 'mianyang', 'officer');
      const foreign = await makeUser(t.ds, t.http, 'beibei', 'officer');
      await t.http
        .patch(url)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ ownerId: colleague.id })
        .expect(403);
      const bad = await t.http
        .patch(url)
        .set(manager.auth)
        .set('If-Match', '"1"')
        .send({ ownerId: foreign.id })
        .expect(400);
      expect(bad.body.details[0].field).toBe('ownerId');
      const ok = await t.http
        .patch(url)
        .set(manager.auth)
        .set('If-Match', '"1"')
        .send({ ownerId: colleague.id })
        .expect(200);
      expect(ok.body.ownerId).toBe(colleague.id);
      // the former owner, now not the owner, cannot change it
      await t.http.patch(url).set(officer.auth).set('If-Match', '"2"').send({ summary: 'x' }).expect(403);
      await t.http.patch(url).set(colleague.auth).set('If-Match', '"2"').send({ summary: 'x' }).expect(200);
    });

    it('refuses to change the stage through PATCH', async () => {
      const lead = await create(officer);
      const res = await t.http
        .patch(`/api/v1/leads/${lead.id}`)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ stage: 'signed' })
        .expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain('stage');
    });
  });

  describe('stages through the API (representative; the full table is lead-stage.spec.ts)', () => {
    const move = (user: TestUser, id: string, stage: string, note?: string) =>
      t.http
        .post(`/api/v1/leads/${id}/stage`)
        .set(user.auth)
        .send(note ? { stage, note } : { stage });

    it('skips forward, refuses backward with the allowed stages, and writes the timeline', async () => {
      const lead = await create(officer);
      const fwd = await move(officer, lead.id, 'negotiating', '对方已来访').expect(200);
      expect(fwd.body).toMatchObject({ stage: 'negotiating', version: 2 });
      const back = await move(officer, lead.id, 'contacted').expect(409);
      expect(back.body.code).toBe('LEAD_STAGE_TRANSITION_NOT_ALLOWED');
      expect(back.body.allowed).toEqual(['signed', 'registered', 'started', 'operating', 'on_hold', 'lost']);
      await move(officer, lead.id, 'negotiating').expect(409);

      const tl = await t.http.get(`/api/v1/leads/${lead.id}/activities`).set(officer.auth).expect(200);
      expect(tl.body.items).toHaveLength(1);
      expect(tl.body.items[0]).toMatchObject({
        type: 'stage_change',
        fromStage: 'lead',
        toStage: 'negotiating',
        summary: '对方已来访',
        authorId: officer.id,
      });
      const events = await t.ds.query(
        `SELECT type, detail FROM domain_events WHERE entity_id = $1 AND type = 'lead.stage_changed'`,
        [lead.id],
      );
      expect(events).toEqual([
        { type: 'lead.stage_changed', detail: { fromStage: 'lead', toStage: 'negotiating' } },
      ]);
    });

    it('on_hold resumes only to the stage it left', async () => {
      const lead = await create(officer, { stage: 'visited' });
      await move(officer, lead.id, 'on_hold').expect(200);
      const wrong = await move(officer, lead.id, 'negotiating').expect(409);
      expect(wrong.body.allowed).toEqual(['visited']);
      const back = await move(officer, lead.id, 'visited').expect(200);
      expect(back.body).toMatchObject({ stage: 'visited', resumeStage: null });
    });

    it('lost is final; only a manager reopens it, to lead', async () => {
      const lead = await create(officer, { stage: 'contacted' });
      await move(officer, lead.id, 'lost').expect(200);
      const officerTry = await move(officer, lead.id, 'lead').expect(409);
      expect(officerTry.body.allowed).toEqual([]);
      const wrong = await move(manager, lead.id, 'contacted').expect(409);
      expect(wrong.body.allowed).toEqual(['lead']);
      await move(manager, lead.id, 'lead').expect(200);
    });

    it('honours an optional If-Match on a stage move', async () => {
      const lead = await create(officer);
      await t.http
        .post(`/api/v1/leads/${lead.id}/stage`)
        .set(officer.auth)
        .set('If-Match', '"9"')
        .send({ stage: 'contacted' })
        .expect(412);
      await t.http
        .post(`/api/v1/leads/${lead.id}/stage`)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ stage: 'contacted' })
        .expect(200);
    });
  });

  describe('activities', () => {
    it('adds timeline entries and pages them newest first', async () => {
      const lead = await create(officer);
      const url = `/api/v1/leads/${lead.id}/activities`;
      const times = ['2026-10-01T01:00:00Z', '2026-10-03T01:00:00Z', '2026-10-02T01:00:00Z'];
      for (const [i, occurredAt] of times.entries()) {
        const res = await t.http
          .post(url)
          .set(officer.auth)
          .send({ type: 'visit', occurredAt, summary: `拜访 ${i}` })
          .expect(201);
        expect(res.body).toMatchObject({
          leadId: lead.id,
          type: 'visit',
          authorId: officer.id,
          jurisdiction: 'mianyang',
        });
      }
      const p1 = await t.http.get(url).query({ limit: 2 }).set(officer.auth).expect(200);
      expect(p1.body.items.map((a: { summary: string }) => a.summary)).toEqual(['拜访 1', '拜访 2']);
      const p2 = await t.http
        .get(url)
        .query({ limit: 2, cursor: p1.body.nextCursor })
        .set(officer.auth)
        .expect(200);
      expect(p2.body.items.map((a: { summary: string }) => a.summary)).toEqual(['拜访 0']);
      expect(p2.body.nextCursor).toBeNull();
      // an activity does not change the lead's version
      const got = await t.http.get(`/api/v1/leads/${lead.id}`).set(officer.auth).expect(200);
      expect(got.body.version).toBe(1);
    });
  });
});
