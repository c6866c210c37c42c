import { MatchingService } from '../libs/match-store/matching.service';
import { TestApp, startApp } from './support/app';
import { TEST_PASSWORD, TestUser, makeUser, uniq } from './support/factories';

jest.setTimeout(120_000);

/** DESIGN §11: operators, /metrics, HTTPS-only headers, idempotent replays. */

describe('platform operators (OPERATORS)', () => {
  let t: TestApp;
  let operator: TestUser;
  let bbAdmin: TestUser;
  let myAdmin: TestUser;
  const operatorName = uniq('ops.');

  beforeAll(async () => {
    // A queue prefix of its own: this suite pauses and resumes queues.
    t = await startApp({
      OPERATORS: `someone-else, ${operatorName.toUpperCase()}`,
      QUEUE_PREFIX: `{lc-${uniq('ops')}}`,
    });
    operator = await makeUser(t.ds, t.http, 'beibei', 'admin', { login: false });
    await t.ds.query(`UPDATE users SET username = $2 WHERE id = $1`, [operator.id, operatorName]);
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ username: operatorName, password: TEST_PASSWORD })
      .expect(200);
    operator = {
      ...operator,
      username: operatorName,
      token: res.body.accessToken,
      auth: { Authorization: `Bearer ${res.body.accessToken}` },
    };
    bbAdmin = await makeUser(t.ds, t.http, 'beibei', 'admin');
    myAdmin = await makeUser(t.ds, t.http, 'mianyang', 'admin');
  });
  afterAll(() => t.close());

  it('a city’s admin may look at the queue board but not pause, clean, retry, add or promote', async () => {
    await t.http.get('/admin/queues').set(bbAdmin.auth).expect(200);
    const queues = await t.http.get('/admin/queues/api/queues').set(bbAdmin.auth).expect(200);
    const name = queues.body.queues[0].name as string;
    const actions: ['put' | 'post', string][] = [
      ['put', `/admin/queues/api/queues/${name}/pause`],
      ['put', `/admin/queues/api/queues/${name}/clean/completed`],
      ['put', `/admin/queues/api/queues/${name}/retry/failed`],
      ['post', `/admin/queues/api/queues/${name}/add`],
      ['put', `/admin/queues/api/queues/${name}/promote`],
      ['put', `/admin/queues/api/queues/${name}/some-job/promote`],
      ['put', `/admin/queues/api/queues/${name}/some-job/clean`],
      ['put', '/admin/queues/api/queues/pause'],
    ];
    for (const [method, path] of actions) {
      const res = await t.http[method](path).set(myAdmin.auth).send({});
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 403,
        code: 'OPERATOR_REQUIRED',
      });
    }
    const status = await t.http.get('/admin/queues/api/queues').set(bbAdmin.auth).expect(200);
    expect(status.body.queues.find((q: { name: string }) => q.name === name).isPaused).toBe(false);
  });

  it('an operator may act on the board (pause, then resume)', async () => {
    const queues = await t.http.get('/admin/queues/api/queues').set(operator.auth).expect(200);
    const name = queues.body.queues[0].name as string;
    await t.http.put(`/admin/queues/api/queues/${name}/pause`).set(operator.auth).send({}).expect(200);
    const paused = await t.http.get('/admin/queues/api/queues').set(operator.auth).expect(200);
    expect(paused.body.queues.find((q: { name: string }) => q.name === name).isPaused).toBe(true);
    await t.http.put(`/admin/queues/api/queues/${name}/resume`).set(operator.auth).send({}).expect(200);
  });

  it('a city’s admin re-matches their own city only; the other city or all is for operators', async () => {
    const own = await t.http.post('/api/v1/matching/rematch').set(bbAdmin.auth).send({}).expect(202);
    expect(own.body.jobId).toMatch(/:beibei$/);
    const [queued] = await t.ds.query(`SELECT payload FROM outbox WHERE dedupe_key = $1`, [own.body.jobId]);
    expect(queued.payload.jurisdiction).toBe('beibei');
    await t.http
      .post('/api/v1/matching/rematch')
      .set(bbAdmin.auth)
      .send({ jurisdiction: 'beibei' })
      .expect(202);
    const other = await t.http
      .post('/api/v1/matching/rematch')
      .set(bbAdmin.auth)
      .send({ jurisdiction: 'mianyang' })
      .expect(403);
    expect(other.body.code).toBe('OPERATOR_REQUIRED');

    const all = await t.http.post('/api/v1/matching/rematch').set(operator.auth).send({}).expect(202);
    expect(all.body.jobId).toMatch(/:all$/);
    const mianyang = await t.http
      .post('/api/v1/matching/rematch')
      .set(operator.auth)
      .send({ jurisdiction: 'mianyang' })
      .expect(202);
    expect(mianyang.body.jobId).toMatch(/:mianyang$/);

    // The progress of a re-match counts its leads, private ones included: not for the other city.
    await t.http.get(`/api/v1/matching/rematch/${own.body.jobId}`).set(bbAdmin.auth).expect(200);
    await t.http.get(`/api/v1/matching/rematch/${own.body.jobId}`).set(myAdmin.auth).expect(404);
    await t.http.get(`/api/v1/matching/rematch/${all.body.jobId}`).set(bbAdmin.auth).expect(404);
    await t.http.get(`/api/v1/matching/rematch/${mianyang.body.jobId}`).set(bbAdmin.auth).expect(404);
    await t.http.get(`/api/v1/matching/rematch/${mianyang.body.jobId}`).set(myAdmin.auth).expect(200);
    await t.http.get(`/api/v1/matching/rematch/${all.body.jobId}`).set(operator.auth).expect(200);
  });
});

describe('/metrics', () => {
  it('without METRICS_TOKEN: loopback clients only (a proxied request is not one)', async () => {
    const t = await startApp({ METRICS_TOKEN: '' });
    try {
      await t.http.get('/metrics').expect(200);
      const proxied = await t.http.get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(403);
      expect(proxied.body.code).toBe('METRICS_LOOPBACK_ONLY');
    } finally {
      await t.close();
    }
  });

  it('with METRICS_TOKEN: only with that Bearer token, from anywhere', async () => {
    const token = `metrics-${uniq()}-${uniq()}`;
    const t = await startApp({ METRICS_TOKEN: token });
    try {
      await t.http.get('/metrics').expect(401);
      await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token-of-some-length').expect(401);
      const ok = await t.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
      expect(ok.text).toContain('liancheng_http_request_duration_seconds');
      await t.http.get('/api/v1/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('HTTPS-only headers follow PUBLIC_URL', () => {
  const signIn = async (t: TestApp) => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
    return t.http
      .post('/api/v1/auth/login')
      .send({ username: u.username, password: TEST_PASSWORD })
      .expect(200);
  };

  it('plain HTTP (no PUBLIC_URL, or an http:// one): no upgrade-insecure-requests, no HSTS, no Secure cookie', async () => {
    for (const env of [{}, { PUBLIC_URL: 'http://liancheng.intranet:3000' }] as Record<string, string>[]) {
      const t = await startApp(env);
      try {
        const res = await t.http.get('/health');
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
        expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
        expect(res.headers['strict-transport-security']).toBeUndefined();
        const login = await signIn(t);
        expect(String(login.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
      } finally {
        await t.close();
      }
    }
  });

  it('PUBLIC_URL=https://…: both on, and the refresh cookie is Secure', async () => {
    const t = await startApp({ PUBLIC_URL: 'https://liancheng.example.gov.cn' });
    try {
      const res = await t.http.get('/health');
      expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      const login = await signIn(t);
      expect(String(login.headers['set-cookie'])).toMatch(/;\s*Secure/i);
    } finally {
      await t.close();
    }
  });
});

describe('idempotent replays', () => {
  let t: TestApp;
  let officer: TestUser;
  let manager: TestUser;
  beforeAll(async () => {
    t = await startApp();
    officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    manager = await makeUser(t.ds, t.http, 'beibei', 'manager');
  });
  afterAll(() => t.close());

  const replayTwice = async (path: string, auth: Record<string, string>, body: object) => {
    const key = uniq('idem-');
    const first = await t.http.post(path).set(auth).set('Idempotency-Key', key).send(body);
    const replay = await t.http.post(path).set(auth).set('Idempotency-Key', key).send(body);
    return { first, replay };
  };

  it('POST /leads/:id/stage: the replay answers the first status (200), ETag and body', async () => {
    const lead = await t.http
      .post('/api/v1/leads')
      .set(officer.auth)
      .send({ title: `项目${uniq()}`, investor: { name: `投资方${uniq()}` }, segments: ['nev.battery-pack'] })
      .expect(201);
    const { first, replay } = await replayTwice(`/api/v1/leads/${lead.body.id}/stage`, officer.auth, {
      stage: 'contacted',
    });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    expect(replay.headers.etag).toBe('"2"');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const [row] = await t.ds.query(`SELECT version FROM leads WHERE id = $1`, [lead.body.id]);
    expect(row.version).toBe(2);
  });

  it('POST /leads: the replay answers 201 with the ETag of the created lead', async () => {
    const { first, replay } = await replayTwice('/api/v1/leads', officer.auth, {
      title: `项目${uniq()}`,
      investor: { name: `投资方${uniq()}` },
      segments: ['nev.battery-pack'],
    });
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.headers.etag).toBe(first.headers.etag);
    expect(replay.body.id).toBe(first.body.id);
  });

  it('POST /matches/:id/decision: the replay answers 200 with the first body', async () => {
    const partner = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    await t.http
      .post('/api/v1/enterprises')
      .set(partner.auth)
      .send({ name: `电芯企业${uniq()}`, segments: ['nev.battery-cell'], needs: [] })
      .expect(201);
    const lead = await t.http
      .post('/api/v1/leads')
      .set(officer.auth)
      .send({
        title: `电池包${uniq()}`,
        investor: { name: `投资方${uniq()}` },
        segments: ['nev.battery-pack'],
      })
      .expect(201);
    await t.app.get(MatchingService).matchLeadJob({ leadId: lead.body.id, version: 1 });
    const [match] = await t.ds.query(`SELECT id FROM matches WHERE lead_id = $1 LIMIT 1`, [lead.body.id]);
    expect(match).toBeDefined();
    const { first, replay } = await replayTwice(`/api/v1/matches/${match.id}/decision`, manager.auth, {
      decision: 'accepted',
      note: '重点跟进',
    });
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect(replay.body).toEqual(first.body);
  });
});

describe('the OpenAPI document states the rules the server keeps (DESIGN §11)', () => {
  let doc: any;
  beforeAll(async () => {
    const t = await startApp();
    try {
      doc = (await t.http.get('/api/docs-json').expect(200)).body;
    } finally {
      await t.close();
    }
  });

  it('rate-limit fields on every 2xx and 4xx response, Retry-After on every 429', () => {
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect({ path, method, has429: '429' in op.responses }).toEqual({ path, method, has429: true });
        expect(op.responses['429'].headers['Retry-After']).toBeDefined();
        for (const [status, res] of Object.entries<any>(op.responses)) {
          if (!/^[24]/.test(status)) continue;
          expect({ path, method, status, headers: Object.keys(res.headers ?? {}) }).toEqual({
            path,
            method,
            status,
            headers: expect.arrayContaining(['RateLimit', 'RateLimit-Policy']),
          });
        }
      }
    }
  });

  it('the status codes operations can answer', () => {
    const op = (path: string, method: string) => doc.paths[path][method].responses;
    expect(op('/api/v1/leads/{id}/stage', 'post')).toHaveProperty('428');
    expect(op('/api/v1/auth/me', 'get')['403'].description).toMatch(/API key/);
    expect(op('/api/v1/auth/login', 'post')).toHaveProperty('503');
    expect(op('/api/v1/leads', 'post')).toEqual(
      expect.objectContaining({ 405: expect.anything(), 413: expect.anything(), 415: expect.anything() }),
    );
    expect(op('/api/v1/leads', 'get')).toHaveProperty('405');
  });

  it('request schemas carry the limits the validators enforce and refuse unknown fields', () => {
    const s = doc.components.schemas;
    expect(s.CreateLeadDto.additionalProperties).toBe(false);
    expect(s.ContactDto.additionalProperties).toBe(false);
    expect(s.CreateLeadDto.properties.ownerId).toMatchObject({
      type: 'string',
      format: 'uuid',
      maxLength: 36,
    });
    expect(s.CreateLeadDto.properties.title).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(s.CreateLeadDto.properties.contacts).toMatchObject({ maxItems: 50 });
    expect(s.CreateLeadDto.properties.expectedJobs).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000,
    });
    expect(s.CreateLeadDto.properties.segments.items).toMatchObject({ maxLength: 64 });
    const limit = doc.paths['/api/v1/leads'].get.parameters.find((p: any) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
  });
});
