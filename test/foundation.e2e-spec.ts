import { TestApp, startApp } from './support/app';
import { TEST_PASSWORD, makeApiKey, makeUser, uniq } from './support/factories';

describe('foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  describe('health and platform', () => {
    it('GET /health answers 200 with database, redis and queue up', async () => {
      const res = await t.http.get('/health').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.queueBackend).toBe('redis');
      expect(res.body.checks.database.status).toBe('up');
      expect(res.body.checks.redis.status).toBe('up');
      expect(res.body.checks.queue.status).toBe('up');
    });

    it('GET /metrics serves Prometheus text', async () => {
      const res = await t.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.text).toContain('liancheng_http_request_duration_seconds');
      expect(res.text).toContain('liancheng_outbox_lag_seconds');
      expect(res.text).toContain('liancheng_queue_backend{backend="redis"} 1');
    });

    it('serves the OpenAPI document with both auth schemes', async () => {
      const res = await t.http.get('/api/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(res.body.components.securitySchemes.bearer).toBeDefined();
      expect(res.body.components.securitySchemes.apiKey).toBeDefined();
      expect(res.body.paths['/api/v1/auth/login'].post).toBeDefined();
      expect(res.body.paths['/api/v1/taxonomy'].get).toBeDefined();
    });

    it('sets security headers and echoes a request id', async () => {
      const res = await t.http.get('/health').set('x-request-id', 'req-abc-1');
      expect(res.headers['x-request-id']).toBe('req-abc-1');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    });

    it('answers unknown API routes with the uniform error body', async () => {
      const res = await t.http.get('/api/v1/nowhere').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(typeof res.body.requestId).toBe('string');
    });
  });

  describe('login', () => {
    it('signs in, returns the user, and sets an httpOnly SameSite=Strict refresh cookie', async () => {
      const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: TEST_PASSWORD })
        .expect(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
      expect(res.body.user).toMatchObject({ username: u.username, jurisdiction: 'beibei', role: 'officer' });
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/lc_refresh=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      const me = await t.http
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${res.body.accessToken}`)
        .expect(200);
      expect(me.body.id).toBe(u.id);
    });

    it('refreshes with the cookie, rotates it, and logout revokes it', async () => {
      const u = await makeUser(t.ds, t.http, 'mianyang', 'manager', { login: false });
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: TEST_PASSWORD })
        .expect(200);
      const cookie = String(res.headers['set-cookie']).split(';')[0];
      const refreshed = await t.http.post('/api/v1/auth/refresh').set('Cookie', cookie).expect(200);
      expect(refreshed.body.accessToken).toEqual(expect.any(String));
      // the old cookie was rotated away
      await t.http.post('/api/v1/auth/refresh').set('Cookie', cookie).expect(401);
      const next = String(refreshed.headers['set-cookie']).split(';')[0];
      await t.http.post('/api/v1/auth/logout').set('Cookie', next).expect(204);
      await t.http.post('/api/v1/auth/refresh').set('Cookie', next).expect(401);
    });

    it('refuses a wrong password and an unknown user with 401', async () => {
      const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
      const wrong = await t.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: 'nope-nope-nope' })
        .expect(401);
      expect(wrong.body.code).toBe('BAD_CREDENTIALS');
      await t.http
        .post('/api/v1/auth/login')
        .send({ username: uniq('ghost'), password: 'whatever' })
        .expect(401);
    });

    it('refuses an inactive user', async () => {
      const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false, active: false });
      await t.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: TEST_PASSWORD })
        .expect(401);
    });

    it('names the fields of a bad login body', async () => {
      const res = await t.http.post('/api/v1/auth/login').send({ username: 5, extra: true }).expect(400);
      const fields = res.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['username', 'password', 'extra']));
    });

    it('answers malformed JSON with 400, not 500', async () => {
      const res = await t.http
        .post('/api/v1/auth/login')
        .set('content-type', 'application/json')
        .send('{"username":');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ field: 'body' }] });
      expect(typeof res.body.requestId).toBe('string');
    });

    it('rate-limits brute force per username with 429 and Retry-After', async () => {
      const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
      const statuses: number[] = [];
      for (let i = 0; i < t.config.loginRateLimit + 2; i++) {
        const res = await t.http
          .post('/api/v1/auth/login')
          .send({ username: u.username, password: `wrong-${i}` });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(statuses.slice(0, t.config.loginRateLimit).every((s) => s === 401)).toBe(true);
      expect(statuses[statuses.length - 1]).toBe(429);
      // even the right password is refused while limited
      await t.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: TEST_PASSWORD })
        .expect(429);
    });
  });

  it('rate-limits failed logins per IP across usernames', async () => {
    const limited = await startApp({ LOGIN_IP_RATE_LIMIT: '3', TRUST_PROXY: 'true' });
    try {
      const ip = `127.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.http
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', ip)
          .send({ username: uniq('nobody'), password: 'wrong-password' });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  describe('API keys', () => {
    it('admin creates a key shown once, stored as SHA-256; the key authenticates; revoked it is 401', async () => {
      const admin = await makeUser(t.ds, t.http, 'mianyang', 'admin');
      const created = await t.http
        .post('/api/v1/api-keys')
        .set(admin.auth)
        .send({ name: 'partner', scopes: ['base:read'] })
        .expect(201);
      expect(created.body).toMatchObject({
        name: 'partner',
        scopes: ['base:read'],
        jurisdiction: 'mianyang',
      });
      expect(created.body.key).toMatch(/^lck_/);
      const [stored] = await t.ds.query(`SELECT key_hash FROM api_keys WHERE id = $1`, [created.body.id]);
      expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.key_hash).not.toContain(created.body.key);

      const list = await t.http.get('/api/v1/api-keys').set(admin.auth).expect(200);
      const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(listed).toBeDefined();
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);

      await t.http.get('/api/v1/taxonomy').set('Authorization', `Bearer ${created.body.key}`).expect(200);
      await t.http.get('/api/v1/taxonomy').set('X-Api-Key', created.body.key).expect(200);
      await t.http.delete(`/api/v1/api-keys/${created.body.id}`).set(admin.auth).expect(204);
      await t.http.get('/api/v1/taxonomy').set('X-Api-Key', created.body.key).expect(401);
    });

    it('records last use', async () => {
      const key = await makeApiKey(t.ds, 'beibei', ['base:read']);
      await t.http.get('/api/v1/taxonomy').set(key.auth).expect(200);
      await new Promise((r) => setTimeout(r, 100));
      const [row] = await t.ds.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [key.id]);
      expect(row.last_used_at).not.toBeNull();
    });

    it('refuses a bad key with 401 and a missing scope with 403', async () => {
      await t.http.get('/api/v1/taxonomy').set('Authorization', 'Bearer lck_not-a-real-key').expect(401);
      const key = await makeApiKey(t.ds, 'beibei', ['base:read']);
      const res = await t.http.get('/api/v1/users').set(key.auth).expect(403);
      expect(res.body.statusCode).toBe(403);
    });

    it('validates key creation', async () => {
      const admin = await makeUser(t.ds, t.http, 'beibei', 'admin');
      const res = await t.http
        .post('/api/v1/api-keys')
        .set(admin.auth)
        .send({ name: '', scopes: ['root'] })
        .expect(400);
      const fields = res.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'scopes']));
    });
  });

  describe('admin of one jurisdiction', () => {
    it('cannot see, change or revoke the other jurisdiction’s users or keys', async () => {
      const bbAdmin = await makeUser(t.ds, t.http, 'beibei', 'admin');
      const myOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer', { login: false });
      const myKey = await makeApiKey(t.ds, 'mianyang', ['leads:read']);

      const users = await t.http.get('/api/v1/users?limit=200').set(bbAdmin.auth).expect(200);
      expect(users.body.items.every((u: { jurisdiction: string }) => u.jurisdiction === 'beibei')).toBe(true);
      await t.http
        .patch(`/api/v1/users/${myOfficer.id}`)
        .set(bbAdmin.auth)
        .send({ active: false })
        .expect(404);
      await t.http.delete(`/api/v1/api-keys/${myKey.id}`).set(bbAdmin.auth).expect(404);
      const keys = await t.http.get('/api/v1/api-keys?limit=200').set(bbAdmin.auth).expect(200);
      expect(keys.body.items.find((k: { id: string }) => k.id === myKey.id)).toBeUndefined();
      const create = await t.http
        .post('/api/v1/users')
        .set(bbAdmin.auth)
        .send({
          username: uniq('x'),
          displayName: 'X',
          role: 'officer',
          password: 'long-enough-pw',
          jurisdiction: 'mianyang',
        })
        .expect(400);
      expect(create.body.details[0].field).toBe('jurisdiction');
    });

    it('creates, updates and deactivates users of its own jurisdiction', async () => {
      const admin = await makeUser(t.ds, t.http, 'beibei', 'admin');
      const username = uniq('new.');
      const created = await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({ username, displayName: '王五', role: 'officer', password: 'long-enough-pw' })
        .expect(201);
      expect(created.body).toMatchObject({ username, jurisdiction: 'beibei', role: 'officer', active: true });
      await t.http.post('/api/v1/auth/login').send({ username, password: 'long-enough-pw' }).expect(200);
      const updated = await t.http
        .patch(`/api/v1/users/${created.body.id}`)
        .set(admin.auth)
        .send({ role: 'manager', active: false })
        .expect(200);
      expect(updated.body).toMatchObject({ role: 'manager', active: false });
      await t.http.post('/api/v1/auth/login').send({ username, password: 'long-enough-pw' }).expect(401);
      await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({ username, displayName: 'dup', role: 'officer', password: 'long-enough-pw' })
        .expect(409);
    });

    it('officers and managers cannot use admin endpoints', async () => {
      const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
      const manager = await makeUser(t.ds, t.http, 'beibei', 'manager');
      await t.http.get('/api/v1/users').set(officer.auth).expect(403);
      await t.http.get('/api/v1/api-keys').set(manager.auth).expect(403);
    });
  });

  describe('taxonomy', () => {
    it('serves 5 industries, segments each in an industry, edges whose ends exist', async () => {
      const u = await makeUser(t.ds, t.http, 'beibei');
      const res = await t.http.get('/api/v1/taxonomy').set(u.auth).expect(200);
      const { industries, segments, edges } = res.body;
      expect(industries).toHaveLength(5);
      const industryCodes = new Set(industries.map((i: { code: string }) => i.code));
      const segmentCodes = new Set(segments.map((s: { code: string }) => s.code));
      for (const s of segments) expect(industryCodes.has(s.industry)).toBe(true);
      for (const e of edges) {
        expect(segmentCodes.has(e.from)).toBe(true);
        expect(segmentCodes.has(e.to)).toBe(true);
      }
      expect(edges).toHaveLength(148);
      expect(edges.find((e: any) => e.from === 'nev.cathode' && e.to === 'nev.battery-cell')).toEqual({
        from: 'nev.cathode',
        to: 'nev.battery-cell',
        strength: 'core',
        reason: expect.stringMatching(/正极/),
        reasonEn: expect.stringMatching(/cathode/i),
      });
      expect(new Set(edges.map((e: { strength: string }) => e.strength))).toEqual(
        new Set(['core', 'supporting']),
      );
      expect(segments[0]).toEqual(
        expect.objectContaining({
          code: expect.any(String),
          industry: expect.any(String),
          stage: expect.any(String),
          name: expect.any(String),
          nameEn: expect.any(String),
        }),
      );
    });

    it('needs credentials', async () => {
      await t.http.get('/api/v1/taxonomy').expect(401);
    });
  });
});
