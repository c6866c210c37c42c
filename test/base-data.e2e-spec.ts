import { randomInt } from 'crypto';
import { USCC_CHARSET, withUsccCheck } from '../libs/uscc/uscc';
import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

/** A fresh valid USCC (body random over the charset, check character computed). */
function uscc(): string {
  let body = '91500109';
  while (body.length < 17) body += USCC_CHARSET[randomInt(USCC_CHARSET.length)];
  return withUsccCheck(body);
}

const BAD_USCC = '91500109MA5U7ABCD0';

// The e2e project's testTimeout is not applied to hooks here; app start-up under load can take > 5 s.
jest.setTimeout(60_000);

type Body = Record<string, unknown>;

describe('shared base data: enterprises and parks (DESIGN §5)', () => {
  let t: TestApp;
  let bb: TestUser;
  let bbManager: TestUser;
  let my: TestUser;
  let bbReadKey: TestKey;
  let bbWriteKey: TestKey;
  let myWriteKey: TestKey;
  let leadsOnlyKey: TestKey;

  beforeAll(async () => {
    t = await startApp();
    [bb, bbManager, my] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'officer'),
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'mianyang', 'officer'),
    ]);
    [bbReadKey, bbWriteKey, myWriteKey, leadsOnlyKey] = await Promise.all([
      makeApiKey(t.ds, 'beibei', ['base:read']),
      makeApiKey(t.ds, 'beibei', ['base:read', 'base:write']),
      makeApiKey(t.ds, 'mianyang', ['base:read', 'base:write']),
      makeApiKey(t.ds, 'beibei', ['leads:read']),
    ]);
  });
  afterAll(() => t.close());

  const enterprise = (over: Body = {}): Body => ({
    name: `测试企业${uniq()}有限公司`,
    uscc: uscc(),
    segments: ['ngit.sensors'],
    needs: ['nmat.advanced-alloys'],
    chainLeader: false,
    revenueWan: 12000.5,
    employees: 320,
    address: '重庆市北碚区',
    tags: ['专精特新'],
    externalRefs: [{ system: 'bb-erp', id: uniq('E') }],
    ...over,
  });

  async function createEnterprise(auth: Record<string, string>, over: Body = {}) {
    const res = await t.http.post('/api/v1/enterprises').set(auth).send(enterprise(over));
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body & { id: string; version: number; name: string };
  }

  const countByName = async (table: string, name: unknown) =>
    Number((await t.ds.query(`SELECT count(*) AS n FROM ${table} WHERE name = $1`, [name]))[0].n);

  const fields = (res: { body: { details?: { field: string }[] } }) =>
    (res.body.details ?? []).map((d) => d.field);

  describe('segment counts (chain map)', () => {
    it('counts live enterprises per segment and city, and rejects unknown segments', async () => {
      const counts = async () => {
        const res = await t.http
          .get('/api/v1/enterprises/segment-counts?segments=hiequip.drones,nmat.graphene')
          .set(bbReadKey.auth)
          .expect(200);
        const get = (seg: string, j: string) =>
          res.body.items.find((r: Body) => r.segment === seg && r.jurisdiction === j)?.count ?? 0;
        return { bbDrones: get('hiequip.drones', 'beibei'), myGraphene: get('nmat.graphene', 'mianyang') };
      };
      const before = await counts();
      await createEnterprise(bb.auth, { segments: ['hiequip.drones', 'nmat.graphene'], needs: [] });
      const gone = await createEnterprise(my.auth, { segments: ['nmat.graphene'], needs: [] });
      await createEnterprise(my.auth, { segments: ['nmat.graphene'], needs: [] });
      await t.http.delete(`/api/v1/enterprises/${gone.id}`).set(my.auth).expect(204);
      const after = await counts();
      expect(after.bbDrones - before.bbDrones).toBe(1);
      expect(after.myGraphene - before.myGraphene).toBe(1);
      const bad = await t.http
        .get('/api/v1/enterprises/segment-counts?segments=nev.warp-drive')
        .set(bb.auth)
        .expect(400);
      expect(fields(bad)).toEqual(['segments']);
    });
  });

  describe('enterprises', () => {
    it('creates an enterprise of the caller’s jurisdiction with ETag, audit entry, outbox job and change log', async () => {
      const body = enterprise();
      const res = await t.http.post('/api/v1/enterprises').set(bb.auth).send(body).expect(201);
      expect(res.body).toMatchObject({
        name: body.name,
        uscc: body.uscc,
        jurisdiction: 'beibei',
        segments: ['ngit.sensors'],
        needs: ['nmat.advanced-alloys'],
        chainLeader: false,
        revenueWan: 12000.5,
        employees: 320,
        tags: ['专精特新'],
        externalRefs: body.externalRefs,
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      const id = res.body.id;
      const [audit] = await t.ds.query(
        `SELECT actor_type, actor_id, action, jurisdiction, changes FROM audit_entries WHERE entity = 'enterprise' AND entity_id = $1`,
        [id],
      );
      expect(audit).toMatchObject({
        actor_type: 'user',
        actor_id: bb.id,
        action: 'create',
        jurisdiction: 'beibei',
      });
      expect(audit.changes.name).toEqual({ before: null, after: body.name });
      const outbox = await t.ds.query(`SELECT kind, payload FROM outbox WHERE dedupe_key = $1`, [
        `rematch-affected:enterprise:${id}:v1`,
      ]);
      expect(outbox).toEqual([
        { kind: 'rematch-affected', payload: { entity: 'enterprise', id, version: 1 } },
      ]);
      const log = await t.ds.query(
        `SELECT op, version FROM change_log WHERE entity = 'enterprise' AND entity_id = $1`,
        [id],
      );
      expect(log).toEqual([{ op: 'upsert', version: 1 }]);
    });

    it('GET returns the record with ETag; unknown and non-UUID ids are 404', async () => {
      const e = await createEnterprise(bb.auth);
      const res = await t.http.get(`/api/v1/enterprises/${e.id}`).set(my.auth).expect(200);
      expect(res.body).toMatchObject({ id: e.id, name: e.name, jurisdiction: 'beibei' });
      expect(res.headers.etag).toBe('"1"');
      await t.http.get('/api/v1/enterprises/00000000-0000-4000-8000-000000000000').set(bb.auth).expect(404);
      const bad = await t.http.get('/api/v1/enterprises/not-a-uuid').set(bb.auth).expect(404);
      expect(bad.body.code).toBe('ENTERPRISE_NOT_FOUND');
    });

    it('refuses a body naming another jurisdiction, and writes nothing', async () => {
      const body = enterprise({ jurisdiction: 'mianyang' });
      const res = await t.http.post('/api/v1/enterprises').set(bb.auth).send(body).expect(400);
      expect(fields(res)).toEqual(['jurisdiction']);
      expect(await countByName('enterprises', body.name)).toBe(0);
      // naming its own is fine
      await t.http
        .post('/api/v1/enterprises')
        .set(bb.auth)
        .send(enterprise({ jurisdiction: 'beibei' }))
        .expect(201);
    });

    it.each<[string, Body, string]>([
      ['bad USCC check character', { uscc: BAD_USCC }, 'uscc'],
      ['USCC of the wrong length', { uscc: '123' }, 'uscc'],
      ['USCC of the wrong type', { uscc: 91500109 }, 'uscc'],
      ['no segments', { segments: [] }, 'segments'],
      ['segments not an array', { segments: 'ngit.sensors' }, 'segments'],
      ['unknown segment', { segments: ['ngit.sensors', 'ngit.flux-capacitor'] }, 'segments[1]'],
      ['unknown need', { needs: ['nope.nothing'] }, 'needs[0]'],
      ['unknown field', { colour: 'red' }, 'colour'],
      ['empty name', { name: '' }, 'name'],
      ['oversized name', { name: '企'.repeat(201) }, 'name'],
      ['name of the wrong type', { name: 42 }, 'name'],
      ['negative revenue', { revenueWan: -1 }, 'revenueWan'],
      ['absurd revenue', { revenueWan: 1e20 }, 'revenueWan'],
      ['revenue as a string', { revenueWan: '100' }, 'revenueWan'],
      ['fractional employees', { employees: 1.5 }, 'employees'],
      ['chainLeader not boolean', { chainLeader: 'yes' }, 'chainLeader'],
      ['oversized address', { address: 'x'.repeat(501) }, 'address'],
      [
        'unknown field in an external ref',
        { externalRefs: [{ system: 'a', id: '1', extra: 1 }] },
        'externalRefs[0].extra',
      ],
      ['external ref without id', { externalRefs: [{ system: 'a' }] }, 'externalRefs[0].id'],
    ])('400 for %s, naming the field, nothing written', async (_label, over, field) => {
      const body = enterprise(over);
      const res = await t.http.post('/api/v1/enterprises').set(bb.auth).send(body).expect(400);
      expect(fields(res)).toContain(field);
      expect(res.body.statusCode).toBe(400);
      expect(typeof res.body.requestId).toBe('string');
      if (typeof body.name === 'string') expect(await countByName('enterprises', body.name)).toBe(0);
    });

    it('accepts a lower-case USCC and stores it upper case; USCC is optional', async () => {
      const code = uscc();
      const e = await createEnterprise(bb.auth, { uscc: code.toLowerCase() });
      expect(e.uscc).toBe(code);
      const none = await createEnterprise(bb.auth, { uscc: undefined });
      expect(none.uscc).toBeNull();
    });

    it('keeps USCCs unique among live enterprises: 409 USCC_TAKEN naming the field', async () => {
      const code = uscc();
      const first = await createEnterprise(bb.auth, { uscc: code });
      const dup = enterprise({ uscc: code });
      const res = await t.http.post('/api/v1/enterprises').set(my.auth).send(dup).expect(409);
      expect(res.body.code).toBe('USCC_TAKEN');
      expect(fields(res)).toEqual(['uscc']);
      expect(await countByName('enterprises', dup.name)).toBe(0);
      // changing another enterprise to the taken USCC is refused too
      const other = await createEnterprise(bb.auth);
      const patch = await t.http
        .patch(`/api/v1/enterprises/${other.id}`)
        .set(bb.auth)
        .set('If-Match', '"1"')
        .send({ uscc: code })
        .expect(409);
      expect(patch.body.code).toBe('USCC_TAKEN');
      // once the holder is deleted, the code is free again
      await t.http.delete(`/api/v1/enterprises/${first.id}`).set(bb.auth).expect(204);
      await t.http.post('/api/v1/enterprises').set(my.auth).send(dup).expect(201);
    });

    it('two creates with the same USCC at once: one 201, one 409, never a 500', async () => {
      const code = uscc();
      const statuses = (
        await Promise.all(
          [bb, bbManager].map((u) =>
            t.http
              .post('/api/v1/enterprises')
              .set(u.auth)
              .send(enterprise({ uscc: code })),
          ),
        )
      ).map((r) => r.status);
      expect(statuses.sort()).toEqual([201, 409]);
    });

    describe('PATCH with optimistic concurrency', () => {
      it('428 without If-Match, 400 when malformed, 412 when stale; nothing written', async () => {
        const e = await createEnterprise(bb.auth);
        const url = `/api/v1/enterprises/${e.id}`;
        const missing = await t.http.patch(url).set(bb.auth).send({ name: 'x1' }).expect(428);
        expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
        const bad = await t.http
          .patch(url)
          .set(bb.auth)
          .set('If-Match', 'abc')
          .send({ name: 'x2' })
          .expect(400);
        expect(fields(bad)).toEqual(['If-Match']);
        const stale = await t.http
          .patch(url)
          .set(bb.auth)
          .set('If-Match', '"7"')
          .send({ name: 'x3' })
          .expect(412);
        expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 1 });
        const now = await t.http.get(url).set(bb.auth).expect(200);
        expect(now.body).toMatchObject({ name: e.name, version: 1 });
      });

      it('applies a change, bumps the version, audits before/after and queues a re-match', async () => {
        const e = await createEnterprise(bb.auth);
        const url = `/api/v1/enterprises/${e.id}`;
        const res = await t.http
          .patch(url)
          .set(bb.auth)
          .set('If-Match', '"1"')
          .send({
            name: `${e.name}（更名）`,
            chainLeader: true,
            segments: ['ngit.sensors', 'nev.auto-sensors'],
          })
          .expect(200);
        expect(res.body).toMatchObject({
          version: 2,
          chainLeader: true,
          segments: ['ngit.sensors', 'nev.auto-sensors'],
        });
        expect(res.headers.etag).toBe('"2"');
        const [audit] = await t.ds.query(
          `SELECT changes, request_id FROM audit_entries WHERE entity_id = $1 AND action = 'update'`,
          [e.id],
        );
        expect(audit.changes).toEqual({
          name: { before: e.name, after: `${e.name}（更名）` },
          chainLeader: { before: false, after: true },
          segments: { before: ['ngit.sensors'], after: ['ngit.sensors', 'nev.auto-sensors'] },
        });
        expect(audit.request_id).toEqual(expect.any(String));
        const jobs = await t.ds.query(`SELECT 1 FROM outbox WHERE dedupe_key = $1`, [
          `rematch-affected:enterprise:${e.id}:v2`,
        ]);
        expect(jobs).toHaveLength(1);
        // a PATCH that changes nothing keeps the version
        const same = await t.http
          .patch(url)
          .set(bb.auth)
          .set('If-Match', '"2"')
          .send({ chainLeader: true })
          .expect(200);
        expect(same.body.version).toBe(2);
        // clearing optional fields with null
        const cleared = await t.http
          .patch(url)
          .set(bb.auth)
          .set('If-Match', '"2"')
          .send({ uscc: null, revenueWan: null, address: null })
          .expect(200);
        expect(cleared.body).toMatchObject({ uscc: null, revenueWan: null, address: null, version: 3 });
      });

      it('two concurrent PATCHes with the same If-Match: exactly one 200, one 412, no lost field', async () => {
        const e = await createEnterprise(bb.auth);
        const url = `/api/v1/enterprises/${e.id}`;
        const [a, b] = await Promise.all([
          t.http.patch(url).set(bb.auth).set('If-Match', '"1"').send({ address: 'A 路 1 号' }),
          t.http.patch(url).set(bbManager.auth).set('If-Match', '"1"').send({ employees: 999 }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 412]);
        const now = await t.http.get(url).set(bb.auth).expect(200);
        expect(now.body.version).toBe(2);
        const winner = a.status === 200 ? a : b;
        expect(now.body).toMatchObject(
          winner === a
            ? { address: 'A 路 1 号', employees: 320 }
            : { address: '重庆市北碚区', employees: 999 },
        );
      });

      it('bad bodies: 400 naming the field, version unchanged', async () => {
        const e = await createEnterprise(bb.auth);
        const url = `/api/v1/enterprises/${e.id}`;
        for (const [body, field] of [
          [{ name: null }, 'name'],
          [{ segments: [] }, 'segments'],
          [{ segments: ['bad.segment'] }, 'segments[0]'],
          [{ uscc: BAD_USCC }, 'uscc'],
          [{ jurisdiction: 'mianyang' }, 'jurisdiction'],
          [{ employees: -3 }, 'employees'],
          [{ unknown: true }, 'unknown'],
        ] as [Body, string][]) {
          const res = await t.http.patch(url).set(bb.auth).set('If-Match', '"1"').send(body);
          expect(res.status).toBe(400);
          expect(fields(res)).toContain(field);
        }
        const now = await t.http.get(url).set(bb.auth).expect(200);
        expect(now.body.version).toBe(1);
      });

      it('404 for unknown and non-UUID ids', async () => {
        await t.http
          .patch('/api/v1/enterprises/00000000-0000-4000-8000-000000000000')
          .set(bb.auth)
          .set('If-Match', '"1"')
          .send({ name: 'x' })
          .expect(404);
        await t.http
          .patch('/api/v1/enterprises/123')
          .set(bb.auth)
          .set('If-Match', '"1"')
          .send({ name: 'x' })
          .expect(404);
        await t.http.delete('/api/v1/enterprises/123').set(bb.auth).expect(404);
      });
    });

    describe('who changes what (DESIGN §5)', () => {
      it('the other city reads but cannot change or delete: 403 for users and keys', async () => {
        const e = await createEnterprise(bb.auth);
        const url = `/api/v1/enterprises/${e.id}`;
        await t.http.get(url).set(my.auth).expect(200);
        await t.http.get(url).set(myWriteKey.auth).expect(200);
        const res = await t.http
          .patch(url)
          .set(my.auth)
          .set('If-Match', '"1"')
          .send({ name: 'taken over' })
          .expect(403);
        expect(res.body.code).toBe('NOT_YOUR_JURISDICTION');
        await t.http
          .patch(url)
          .set(myWriteKey.auth)
          .set('If-Match', '"1"')
          .send({ name: 'taken over' })
          .expect(403);
        await t.http.delete(url).set(my.auth).expect(403);
        await t.http.delete(url).set(myWriteKey.auth).expect(403);
        const now = await t.http.get(url).set(bb.auth).expect(200);
        expect(now.body).toMatchObject({ name: e.name, version: 1 });
      });

      it('API keys need base:read to read and base:write to change; a key acts as its jurisdiction', async () => {
        await t.http.get('/api/v1/enterprises').set(bbReadKey.auth).expect(200);
        await t.http.get('/api/v1/enterprises').set(leadsOnlyKey.auth).expect(403);
        await t.http.post('/api/v1/enterprises').set(bbReadKey.auth).send(enterprise()).expect(403);
        const res = await t.http
          .post('/api/v1/enterprises')
          .set(myWriteKey.auth)
          .send(enterprise())
          .expect(201);
        expect(res.body.jurisdiction).toBe('mianyang');
        const [audit] = await t.ds.query(
          `SELECT actor_type, actor_id FROM audit_entries WHERE entity_id = $1`,
          [res.body.id],
        );
        expect(audit).toEqual({ actor_type: 'api_key', actor_id: myWriteKey.id });
        await t.http
          .patch(`/api/v1/enterprises/${res.body.id}`)
          .set(myWriteKey.auth)
          .set('If-Match', '"1"')
          .send({ employees: 10 })
          .expect(200);
        await t.http.get('/api/v1/enterprises').expect(401);
      });
    });

    it('DELETE is a soft delete: gone from reads and lists, tombstone in the change log', async () => {
      const e = await createEnterprise(bbWriteKey.auth);
      const url = `/api/v1/enterprises/${e.id}`;
      await t.http.delete(url).set(bb.auth).set('If-Match', '"9"').expect(412);
      await t.http.delete(url).set(bb.auth).expect(204);
      await t.http.get(url).set(bb.auth).expect(404);
      await t.http.delete(url).set(bb.auth).expect(404);
      await t.http.patch(url).set(bb.auth).set('If-Match', '"2"').send({ name: 'zombie' }).expect(404);
      const list = await t.http
        .get(`/api/v1/enterprises?q=${encodeURIComponent(e.name)}&limit=200`)
        .set(bb.auth);
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(e.id);
      const log = await t.ds.query(
        `SELECT op, version FROM change_log WHERE entity = 'enterprise' AND entity_id = $1 ORDER BY seq`,
        [e.id],
      );
      expect(log).toEqual([
        { op: 'upsert', version: 1 },
        { op: 'delete', version: 2 },
      ]);
      const [row] = await t.ds.query(`SELECT deleted_at FROM enterprises WHERE id = $1`, [e.id]);
      expect(row.deleted_at).not.toBeNull();
      const audit = await t.ds.query(`SELECT action FROM audit_entries WHERE entity_id = $1 ORDER BY id`, [
        e.id,
      ]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['create', 'delete']);
      expect(
        await t.ds.query(`SELECT 1 FROM outbox WHERE dedupe_key = $1`, [
          `rematch-affected:enterprise:${e.id}:v2`,
        ]),
      ).toHaveLength(1);
    });

    it('Idempotency-Key: the same key and body create once; another body answers 422', async () => {
      const key = uniq('idem-');
      const body = enterprise();
      const first = await t.http
        .post('/api/v1/enterprises')
        .set(bb.auth)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      const again = await t.http
        .post('/api/v1/enterprises')
        .set(bb.auth)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await countByName('enterprises', body.name)).toBe(1);
      await t.http
        .post('/api/v1/enterprises')
        .set(bb.auth)
        .set('Idempotency-Key', key)
        .send(enterprise())
        .expect(422);
    });

    describe('list', () => {
      it('finds 重庆某某传感科技 for q=传感科技 (pg_trgm), ranked, paging through the ranking', async () => {
        const target = await createEnterprise(bb.auth, { name: '重庆某某传感科技', uscc: undefined });
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        type PageBody = { body: { items: { id: string }[]; nextCursor: string | null } };
        do {
          const res: PageBody = await t.http
            .get('/api/v1/enterprises')
            .query({ q: '传感科技', limit: 2, ...(cursor ? { cursor } : {}) })
            .set(my.auth)
            .expect(200);
          seen.push(...res.body.items.map((i) => i.id));
          cursor = res.body.nextCursor;
          pages++;
        } while (cursor && pages < 500);
        expect(seen).toContain(target.id);
        expect(new Set(seen).size).toBe(seen.length);
        const unrelated = await t.http
          .get('/api/v1/enterprises')
          .query({ q: '传感科技', limit: 200 })
          .set(bb.auth);
        for (const item of unrelated.body.items)
          expect(item.name).not.toMatch(/^测试企业t[0-9a-f]+有限公司$/);
      });

      it('tolerates a typo in a Latin name', async () => {
        const token = uniq('');
        const e = await createEnterprise(bb.auth, { name: `Chongqing Sensorix ${token} Technology` });
        const res = await t.http
          .get('/api/v1/enterprises')
          .query({ q: `Sensorix ${token} Technolgy`, limit: 200 })
          .set(bb.auth)
          .expect(200);
        expect(res.body.items.map((i: { id: string }) => i.id)).toContain(e.id);
      });

      it('filters by jurisdiction, segment, industry and chainLeader', async () => {
        const token = uniq('筛选');
        const a = await createEnterprise(bb.auth, {
          name: `${token}甲`,
          segments: ['nev.battery-cell'],
          chainLeader: true,
        });
        const b = await createEnterprise(my.auth, { name: `${token}乙`, segments: ['biomed.ivd'] });
        const ids = async (query: Body) => {
          const res = await t.http
            .get('/api/v1/enterprises')
            .query({ q: token, limit: 200, ...query })
            .set(bb.auth)
            .expect(200);
          return res.body.items.map((i: { id: string }) => i.id).sort();
        };
        expect(await ids({})).toEqual([a.id, b.id].sort());
        expect(await ids({ jurisdiction: 'mianyang' })).toEqual([b.id]);
        expect(await ids({ segment: 'nev.battery-cell' })).toEqual([a.id]);
        expect(await ids({ industry: 'nev' })).toEqual([a.id]);
        expect(await ids({ industry: 'biomed' })).toEqual([b.id]);
        expect(await ids({ industry: 'ngit' })).toEqual([]);
        expect(await ids({ chainLeader: 'true' })).toEqual([a.id]);
        expect(await ids({ chainLeader: 'false' })).toEqual([b.id]);
        // the filters hold without q too
        const res = await t.http
          .get('/api/v1/enterprises?industry=nev&jurisdiction=beibei&limit=200')
          .set(bb.auth);
        for (const item of res.body.items) {
          expect(item.jurisdiction).toBe('beibei');
          expect(item.segments.some((s: string) => s.startsWith('nev.'))).toBe(true);
        }
      });

      it('keyset pagination by id: no duplicates, stable while rows are inserted', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        let first = true;
        for (let i = 0; i < 5; i++) {
          const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http
            .get('/api/v1/enterprises')
            .query({ limit: 3, jurisdiction: 'beibei', ...(cursor ? { cursor } : {}) })
            .set(bb.auth)
            .expect(200);
          seen.push(...res.body.items.map((x: { id: string }) => x.id));
          cursor = res.body.nextCursor;
          if (first) await createEnterprise(bb.auth); // an insert between pages
          first = false;
          if (!cursor) break;
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort()).toEqual(seen);
      });

      it.each<[string, string]>([
        ['limit=0', 'limit'],
        ['limit=1000', 'limit'],
        ['limit=abc', 'limit'],
        ['cursor=%25%25garbage', 'cursor'],
        [`cursor=${Buffer.from('["not-a-uuid"]').toString('base64url')}`, 'cursor'],
        ['jurisdiction=chengdu', 'jurisdiction'],
        ['segment=ngit.warp-drive', 'segment'],
        ['industry=steel', 'industry'],
        ['chainLeader=maybe', 'chainLeader'],
        ['colour=red', 'colour'],
      ])('400 for ?%s naming %s', async (query, field) => {
        const res = await t.http.get(`/api/v1/enterprises?${query}`).set(bb.auth).expect(400);
        expect(fields(res)).toContain(field);
      });
    });
  });

  describe('parks', () => {
    const park = (over: Body = {}): Body => ({
      name: `测试园区${uniq()}`,
      nameEn: 'Test Park',
      targetSegments: ['ngit.sensors', 'hiequip.robots'],
      availableLandMu: 300,
      factorySpaceSqm: 120000,
      incentives: '前三年租金减免',
      ...over,
    });

    it('lists the seeded parks; the co-built park names both jurisdictions', async () => {
      const res = await t.http.get('/api/v1/parks?coBuilt=true&limit=200').set(bbReadKey.auth).expect(200);
      const coBuilt = res.body.items.find((p: { name: string }) => p.name === '绵阳—北碚特色产业合作园区');
      expect(coBuilt).toMatchObject({ coBuilt: true, jurisdictions: ['beibei', 'mianyang'] });
      for (const p of res.body.items) expect(p.coBuilt).toBe(true);
      const got = await t.http.get(`/api/v1/parks/${coBuilt.id}`).set(my.auth).expect(200);
      expect(got.headers.etag).toBe(`"${coBuilt.version}"`);
    });

    it('filters by jurisdiction and segment and searches names fuzzily', async () => {
      const my1 = await t.http.get('/api/v1/parks?jurisdiction=mianyang&limit=200').set(bb.auth).expect(200);
      expect(my1.body.items.length).toBeGreaterThan(0);
      for (const p of my1.body.items) expect(p.jurisdictions).toContain('mianyang');
      const seg = await t.http.get('/api/v1/parks?segment=nev.vehicle&limit=200').set(bb.auth).expect(200);
      expect(seg.body.items.map((p: { name: string }) => p.name)).toContain('同兴工业园');
      for (const p of seg.body.items) expect(p.targetSegments).toContain('nev.vehicle');
      const q = await t.http
        .get(`/api/v1/parks?q=${encodeURIComponent('传感器产业基地')}`)
        .set(bb.auth)
        .expect(200);
      expect(q.body.items[0].name).toBe('重庆市传感器特色产业基地');
      const en = await t.http.get('/api/v1/parks?q=Tongxing').set(bb.auth).expect(200);
      expect(en.body.items.map((p: { name: string }) => p.name)).toContain('同兴工业园');
      await t.http.get('/api/v1/parks?segment=unknown.segment').set(bb.auth).expect(400);
      await t.http.get('/api/v1/parks?limit=0').set(bb.auth).expect(400);
      await t.http.get('/api/v1/parks?cursor=bad').set(bb.auth).expect(400);
    });

    it('creates a park of the caller’s jurisdiction with audit entry and re-match job', async () => {
      const body = park();
      const res = await t.http.post('/api/v1/parks').set(bb.auth).send(body).expect(201);
      expect(res.body).toMatchObject({ ...body, jurisdictions: ['beibei'], coBuilt: false, version: 1 });
      expect(res.headers.etag).toBe('"1"');
      const [audit] = await t.ds.query(
        `SELECT action, jurisdiction FROM audit_entries WHERE entity_id = $1`,
        [res.body.id],
      );
      expect(audit).toEqual({ action: 'create', jurisdiction: 'beibei' });
      expect(
        await t.ds.query(`SELECT 1 FROM outbox WHERE dedupe_key = $1`, [
          `rematch-affected:park:${res.body.id}:v1`,
        ]),
      ).toHaveLength(1);
    });

    it.each<[string, Body, string]>([
      ['another jurisdiction only', { jurisdictions: ['mianyang'] }, 'jurisdictions'],
      ['an unknown jurisdiction', { jurisdictions: ['chengdu'] }, 'jurisdictions'],
      ['co-built with one jurisdiction', { jurisdictions: ['beibei'], coBuilt: true }, 'coBuilt'],
      [
        'both jurisdictions but not co-built',
        { jurisdictions: ['beibei', 'mianyang'], coBuilt: false },
        'coBuilt',
      ],
      ['an unknown target segment', { targetSegments: ['ngit.sensors', 'x.y'] }, 'targetSegments[1]'],
      ['negative land', { availableLandMu: -5 }, 'availableLandMu'],
      ['absurd floor space', { factorySpaceSqm: 1e15 }, 'factorySpaceSqm'],
      ['an unknown field', { owner: 'me' }, 'owner'],
      ['no name', { name: undefined }, 'name'],
    ])('400 for %s, nothing written', async (_label, over, field) => {
      const body = park(over);
      const res = await t.http.post('/api/v1/parks').set(bb.auth).send(body).expect(400);
      expect(fields(res)).toContain(field);
      if (body.name) expect(await countByName('parks', body.name)).toBe(0);
    });

    it('only the own jurisdiction changes a park; a co-built park is changed by either', async () => {
      const own = (await t.http.post('/api/v1/parks').set(bb.auth).send(park()).expect(201)).body;
      await t.http
        .patch(`/api/v1/parks/${own.id}`)
        .set(my.auth)
        .set('If-Match', '"1"')
        .send({ availableLandMu: 1 })
        .expect(403);
      await t.http
        .patch(`/api/v1/parks/${own.id}`)
        .set(myWriteKey.auth)
        .set('If-Match', '"1"')
        .send({ availableLandMu: 1 })
        .expect(403);
      const ok = await t.http
        .patch(`/api/v1/parks/${own.id}`)
        .set(bbWriteKey.auth)
        .set('If-Match', '"1"')
        .send({ availableLandMu: 250.5 })
        .expect(200);
      expect(ok.body).toMatchObject({ availableLandMu: 250.5, version: 2 });
      expect(ok.headers.etag).toBe('"2"');

      // A co-built park (made by agreement of both cities: test/park-agreements.e2e-spec.ts).
      const own2 = (await t.http.post('/api/v1/parks').set(bb.auth).send(park()).expect(201)).body;
      await t.ds.query(
        `UPDATE parks SET jurisdictions = '{beibei,mianyang}', co_built = true WHERE id = $1`,
        [own2.id],
      );
      const shared = (await t.http.get(`/api/v1/parks/${own2.id}`).set(bb.auth).expect(200)).body;
      expect(shared).toMatchObject({ jurisdictions: ['beibei', 'mianyang'], coBuilt: true });
      const byPartner = await t.http
        .patch(`/api/v1/parks/${shared.id}`)
        .set(my.auth)
        .set('If-Match', '"1"')
        .send({ incentives: '两地共享政策' })
        .expect(200);
      expect(byPartner.body).toMatchObject({ incentives: '两地共享政策', version: 2 });
      // neither city changes the co-built park's jurisdictions alone (DESIGN §5, §14)
      const grab = await t.http
        .patch(`/api/v1/parks/${shared.id}`)
        .set(my.auth)
        .set('If-Match', '"2"')
        .send({ jurisdictions: ['beibei'] })
        .expect(409);
      expect(grab.body.code).toBe('AGREEMENT_REQUIRED');
    });

    it('Idempotency-Key on POST /parks; keys need base:read to read parks', async () => {
      const key = uniq('idem-park-');
      const body = park();
      const first = await t.http
        .post('/api/v1/parks')
        .set(bb.auth)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      const again = await t.http
        .post('/api/v1/parks')
        .set(bb.auth)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await countByName('parks', body.name)).toBe(1);
      await t.http.post('/api/v1/parks').set(bb.auth).set('Idempotency-Key', key).send(park()).expect(422);
      await t.http.get(`/api/v1/parks/${first.body.id}`).set(leadsOnlyKey.auth).expect(403);
      await t.http.get(`/api/v1/parks/${first.body.id}`).set(bbReadKey.auth).expect(200);
    });

    it('PATCH: 428 / 400 / 412 on If-Match, 404 on unknown ids, nothing written', async () => {
      const p = (await t.http.post('/api/v1/parks').set(bb.auth).send(park()).expect(201)).body;
      const url = `/api/v1/parks/${p.id}`;
      await t.http.patch(url).set(bb.auth).send({ incentives: 'a' }).expect(428);
      const bad = await t.http
        .patch(url)
        .set(bb.auth)
        .set('If-Match', 'W/"x"')
        .send({ incentives: 'a' })
        .expect(400);
      expect(fields(bad)).toEqual(['If-Match']);
      const stale = await t.http
        .patch(url)
        .set(bb.auth)
        .set('If-Match', '"2"')
        .send({ incentives: 'a' })
        .expect(412);
      expect(stale.body.currentVersion).toBe(1);
      const badBody = await t.http
        .patch(url)
        .set(bb.auth)
        .set('If-Match', '"1"')
        .send({ name: null })
        .expect(400);
      expect(fields(badBody)).toContain('name');
      expect((await t.http.get(url).set(bb.auth).expect(200)).body.version).toBe(1);
      await t.http
        .patch('/api/v1/parks/00000000-0000-4000-8000-000000000000')
        .set(bb.auth)
        .set('If-Match', '"1"')
        .send({ incentives: 'a' })
        .expect(404);
      await t.http.get('/api/v1/parks/nope').set(bb.auth).expect(404);
    });
  });

  it('documents every base-data endpoint in OpenAPI', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths['/api/v1/enterprises'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/v1/enterprises/{id}'])).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete']),
    );
    expect(Object.keys(doc.paths['/api/v1/parks/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(doc.components.schemas.EnterpriseDto).toBeDefined();
    expect(doc.components.schemas.CreateParkDto).toBeDefined();
    expect(doc.paths['/api/v1/enterprises/{id}'].patch.responses['412']).toBeDefined();
  });
});
