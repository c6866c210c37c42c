import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

jest.setTimeout(120_000);

/**
 * DESIGN §11 "Bodies": depth and size are checked before parsing, on every route (the
 * unauthenticated login too); only UTF-8; no lone surrogates; any JSON number is a 400 naming the
 * field or accepted, never a 500; arrays of objects take only objects; unsupported methods 405.
 */
describe('request bodies', () => {
  let t: TestApp;
  let officer: TestUser;
  let key: TestKey;

  beforeAll(async () => {
    t = await startApp();
    officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    key = await makeApiKey(t.ds, 'beibei', ['leads:write', 'leads:read', 'base:write']);
  });
  afterAll(() => t.close());

  const lead = (over: Record<string, unknown> = {}) => ({
    title: `项目 ${uniq()}`,
    investor: { name: `投资方${uniq()}有限公司` },
    segments: ['nev.battery-pack'],
    ...over,
  });
  const leadCount = async () => Number((await t.ds.query(`SELECT count(*) AS n FROM leads`))[0].n);
  // The bytes as given (superagent would JSON-encode a Buffer).
  const raw = (
    method: 'post' | 'put',
    url: string,
    body: string | Buffer,
    contentType = 'application/json',
  ) =>
    t.http[method](url)
      .set(officer.auth)
      .set('Content-Type', contentType)
      .serialize((b: unknown) => b as string)
      .send(body as string);
  const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  describe('nesting', () => {
    it('5,000 levels on the unauthenticated login route: 400 naming the body, not 500', async () => {
      const res = await t.http
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send(`{"username":${'['.repeat(5000)}${']'.repeat(5000)},"password":"x"}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'JSON_TOO_DEEP',
        details: [{ field: 'body' }],
      });
    });

    it('33 levels refused, 32 get as far as validation', async () => {
      const before = await leadCount();
      const tooDeep = await raw('post', '/api/v1/leads', `{"title":"x","summary":${deep(32)}}`);
      expect(tooDeep.status).toBe(400);
      expect(tooDeep.body.code).toBe('JSON_TOO_DEEP');
      const deepEnough = await raw('post', '/api/v1/leads', `{"summary":${deep(31)}}`);
      expect(deepEnough.status).toBe(400);
      expect(deepEnough.body.code).toBe('VALIDATION_FAILED');
      expect(await leadCount()).toBe(before);
    });
  });

  describe('size', () => {
    it('over 1 MB: 413 on ordinary routes, login included', async () => {
      const big = JSON.stringify(lead({ summary: 'x'.repeat(1024 * 1024) }));
      const res = await raw('post', '/api/v1/leads', big);
      expect(res.status).toBe(413);
      expect(res.body.statusCode).toBe(413);
      const login = await t.http
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'x'.repeat(1024 * 1024), password: 'y' }));
      expect(login.status).toBe(413);
    });

    it('bulk sync takes bodies over 1 MB (up to 16 MB), and refuses more', async () => {
      const sys = uniq('big-');
      const items = Array.from({ length: 300 }, (_, i) => ({
        externalRef: { system: sys, id: String(i) },
        title: `项目 ${i}`,
        investor: { name: `投资方 ${sys} ${i} 有限公司` },
        segments: ['nev.battery-pack'],
        summary: '电池模组'.repeat(1000),
      }));
      const body = JSON.stringify({ items });
      expect(Buffer.byteLength(body)).toBeGreaterThan(3 * 1024 * 1024);
      const ok = await t.http
        .put('/api/v1/sync/leads')
        .set(key.auth)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(ok.status).toBe(200);
      expect(ok.body.results.every((r: { status: string }) => r.status === 'created')).toBe(true);
      const huge = JSON.stringify({ items: [{ summary: 'x'.repeat(17 * 1024 * 1024) }] });
      const refused = await t.http
        .put('/api/v1/sync/leads')
        .set(key.auth)
        .set('Content-Type', 'application/json')
        .send(huge);
      expect(refused.status).toBe(413);
    });
  });

  describe('text', () => {
    it('a charset other than UTF-8 is 415; UTF-8 declared or implied is read', async () => {
      const body = JSON.stringify(lead({ title: '链城项目' }));
      const utf16 = await raw(
        'post',
        '/api/v1/leads',
        Buffer.from(body, 'utf16le'),
        'application/json; charset=utf-16',
      );
      expect(utf16.status).toBe(415);
      expect(utf16.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_CHARSET' });
      const latin1 = await raw('post', '/api/v1/leads', body, 'application/json; charset=ISO-8859-1');
      expect(latin1.status).toBe(415);
      const utf8 = await raw('post', '/api/v1/leads', body, 'application/json; charset=UTF-8');
      expect(utf8.status).toBe(201);
      expect(utf8.body.title).toBe('链城项目');
    });

    it('an escaped lone surrogate is 400, a pair is kept; invalid UTF-8 bytes are 400', async () => {
      const before = await leadCount();
      const lone = await raw(
        'post',
        '/api/v1/leads',
        JSON.stringify(lead()).replace('"项目', '"\\ud800项目'),
      );
      expect(lone.status).toBe(400);
      expect(lone.body).toMatchObject({ code: 'LONE_SURROGATE', details: [{ field: 'body' }] });
      const bytes = Buffer.concat([
        Buffer.from('{"title":"'),
        Buffer.from([0xed, 0xa0, 0x80]), // a surrogate encoded as if it were a character
        Buffer.from(`","investor":{"name":"投资方${uniq()}"},"segments":["nev.battery-pack"]}`),
      ]);
      const invalid = await raw('post', '/api/v1/leads', bytes);
      expect(invalid.status).toBe(400);
      expect(invalid.body.code).toBe('INVALID_UTF8');
      expect(await leadCount()).toBe(before);
      const pair = await raw('post', '/api/v1/leads', JSON.stringify(lead({ title: '电池 \ud83d\udd0b' })));
      expect(pair.status).toBe(201);
      expect(pair.body.title).toBe('电池 🔋');
    });
  });

  describe('numbers', () => {
    const NUMBERS = [1e-7, 1.5e-10, 1e308, -1e308, 5e-324, 1.005, -0];

    it.each([['plannedInvestmentWan'], ['landNeedMu']])(
      'lead %s: every odd number is a 400 naming it or accepted, never 500',
      async (field) => {
        for (const value of NUMBERS) {
          const res = await raw('post', '/api/v1/leads', JSON.stringify(lead({ [field]: value })));
          expect([201, 400]).toContain(res.status);
          if (res.status === 400)
            expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
          else expect(res.body[field]).toBe(0); // only -0 passes
        }
        const created = (await raw('post', '/api/v1/leads', JSON.stringify(lead()))).body;
        const patched = await t.http
          .patch(`/api/v1/leads/${created.id}`)
          .set(officer.auth)
          .set('If-Match', '"1"')
          .send({ [field]: 1e-7 });
        expect(patched.status).toBe(400);
        expect(patched.body.details[0]).toMatchObject({
          field,
          message: expect.stringMatching(/decimal places/),
        });
      },
    );

    it('enterprise revenueWan and park areas: 400 naming the field, never 500', async () => {
      for (const value of NUMBERS.filter((n) => !Object.is(n, -0))) {
        const e = await t.http
          .post('/api/v1/enterprises')
          .set(officer.auth)
          .send({ name: `企业${uniq()}`, segments: ['nev.battery-pack'], revenueWan: value });
        expect(e.status).toBe(400);
        expect(e.body.details.map((d: { field: string }) => d.field)).toEqual(['revenueWan']);
        for (const field of ['availableLandMu', 'factorySpaceSqm']) {
          const p = await t.http
            .post('/api/v1/parks')
            .set(officer.auth)
            .send({ name: `园区${uniq()}`, targetSegments: ['nev.battery-pack'], [field]: value });
          expect(p.status).toBe(400);
          expect(p.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
        }
      }
    });

    it('sync items: an item error naming the field, the other items still written', async () => {
      const sys = uniq('num-');
      const item = (id: string, over: Record<string, unknown>) => ({
        externalRef: { system: sys, id },
        title: `项目 ${id}`,
        investor: { name: `投资方 ${sys} ${id}` },
        segments: ['nev.battery-pack'],
        ...over,
      });
      const res = await t.http
        .put('/api/v1/sync/leads')
        .set(key.auth)
        .send({
          items: [
            item('a', { plannedInvestmentWan: 1e-7 }),
            item('b', { landNeedMu: 1e308 }),
            item('c', { plannedInvestmentWan: 12.5 }),
          ],
        })
        .expect(200);
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
        'error',
        'error',
        'created',
      ]);
      expect(res.body.results[0].errors[0].field).toBe('plannedInvestmentWan');
      expect(res.body.results[1].errors[0].field).toBe('landNeedMu');
      const ent = await t.http
        .put('/api/v1/sync/enterprises')
        .set(key.auth)
        .send({
          items: [
            {
              externalRef: { system: sys, id: 'e' },
              name: `企业 ${sys}`,
              segments: ['nev.battery-pack'],
              revenueWan: 1e-7,
            },
          ],
        })
        .expect(200);
      expect(ent.body.results[0]).toMatchObject({ status: 'error', errors: [{ field: 'revenueWan' }] });
    });
  });

  describe('arrays of objects', () => {
    it.each([
      ['contacts', [[{ name: '张三' }]]],
      ['contacts', [[]]],
      ['contacts', ['张三']],
      ['externalRefs', [[]]],
      ['externalRefs', [[{ system: 'crm', id: '1' }]]],
    ])('POST and PATCH refuse %s: %j (nothing stored)', async (field, value) => {
      const before = await leadCount();
      const created = await t.http
        .post('/api/v1/leads')
        .set(officer.auth)
        .send(lead({ [field]: value }));
      expect(created.status).toBe(400);
      expect(created.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await leadCount()).toBe(before);

      const ok = (await t.http.post('/api/v1/leads').set(officer.auth).send(lead()).expect(201)).body;
      const patched = await t.http
        .patch(`/api/v1/leads/${ok.id}`)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ [field]: value });
      expect(patched.status).toBe(400);
      const [row] = await t.ds.query(`SELECT version, contacts FROM leads WHERE id = $1`, [ok.id]);
      expect(row).toEqual({ version: 1, contacts: [] });
    });

    it('enterprises refuse externalRefs: [[]] too', async () => {
      const res = await t.http
        .post('/api/v1/enterprises')
        .set(officer.auth)
        .send({ name: `企业${uniq()}`, segments: ['nev.battery-pack'], externalRefs: [[]] });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('externalRefs');
    });
  });

  describe('methods', () => {
    it.each([
      ['TRACE', '/api/v1/leads', 'GET, HEAD, POST'],
      ['DELETE', '/api/v1/leads', 'GET, HEAD, POST'],
      ['PUT', '/api/v1/auth/login', 'POST'],
      ['OPTIONS', '/api/v1/taxonomy', 'GET, HEAD'],
      ['TRACE', '/health', 'GET, HEAD'],
    ])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
      const verb = method.toLowerCase() as 'trace' | 'delete' | 'put' | 'options';
      const res = await t.http[verb](path).set(officer.auth);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
    });

    it('a path that exists for no method is still 404', async () => {
      await t.http.get('/api/v1/nowhere').set(officer.auth).expect(404);
      await t.http.delete('/api/v1/nowhere').set(officer.auth).expect(404);
    });
  });
});
