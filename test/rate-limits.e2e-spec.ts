import { Server, Socket, connect, createServer } from 'net';
import * as secrets from '../libs/identity/secrets';
import { TestApp, startApp } from './support/app';
import { TEST_PASSWORD, makeUser, uniq } from './support/factories';
import { RedisTrap } from './support/matching-worker';
import { freeLoopbackPort, startOwnRedis } from './support/redis-server';

/**
 * The store the counters live in: Redis (QUEUE_BACKEND=redis, production), or PostgreSQL when the
 * queues run there (table rate_limit_counters). On PostgreSQL REDIS_URL points at a port that
 * counts connections: none may come.
 */
type Store = 'redis' | 'postgres';
async function startOn(store: Store, env: Record<string, string> = {}) {
  if (store === 'redis') return { app: await startApp(env), trap: null };
  const trap = await RedisTrap.create();
  return { app: await startApp({ QUEUE_BACKEND: 'postgres', REDIS_URL: trap.url, ...env }), trap };
}

/**
 * DESIGN §11: the login limiter counts atomically and fails closed; every response carries
 * RateLimit fields. The same behaviour on both stores.
 */
describe.each<Store>(['redis', 'postgres'])('login limiter on the %s store', (store) => {
  let t: TestApp;
  let trap: RedisTrap | null;
  beforeAll(async () => {
    ({ app: t, trap } = await startOn(store));
    expect(t.config.queueBackend).toBe(store);
  });
  afterAll(async () => {
    await t.close();
    expect(trap?.connections ?? 0).toBe(0);
    await trap?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('40 parallel wrong passwords: at most the limit reach the password check, the rest get 429', async () => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
    const verify = jest.spyOn(secrets, 'verifyPassword');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.http.post('/api/v1/auth/login').send({ username: u.username, password: `wrong-${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(t.config.loginRateLimit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - t.config.loginRateLimit);
    expect(verify.mock.calls.length).toBeLessThanOrEqual(t.config.loginRateLimit);
    for (const a of answers.filter((x) => x.status === 429))
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a successful login clears the username’s count: a typo before it does not add up', async () => {
    const u = await makeUser(t.ds, t.http, 'mianyang', 'officer', { login: false });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < t.config.loginRateLimit - 1; i++)
        await t.http.post('/api/v1/auth/login').send({ username: u.username, password: 'typo' }).expect(401);
      await t.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: TEST_PASSWORD })
        .expect(200);
    }
  });
});

describe('login limiter with its store down', () => {
  afterEach(() => jest.restoreAllMocks());

  it('with Redis unreachable (nothing listens on its port) login answers 503, never checks the password', async () => {
    const port = await freeLoopbackPort();
    const down = await startApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const u = await makeUser(down.ds, down.http, 'beibei', 'officer', { login: false });
      const verify = jest.spyOn(secrets, 'verifyPassword');
      for (const password of [TEST_PASSWORD, 'wrong-one']) {
        const res = await down.http.post('/api/v1/auth/login').send({ username: u.username, password });
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('LOGIN_UNAVAILABLE');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(verify).not.toHaveBeenCalled();
    } finally {
      await down.close();
    }
  });

  it('when its Redis dies mid-way, 20 parallel logins all answer 503', async () => {
    const redis = await startOwnRedis();
    const app = await startApp({ REDIS_URL: redis.url });
    try {
      const u = await makeUser(app.ds, app.http, 'beibei', 'officer', { login: false });
      await app.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: TEST_PASSWORD })
        .expect(200);
      await redis.kill();
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          app.http.post('/api/v1/auth/login').send({ username: u.username, password: `guess-${i}` }),
        ),
      );
      expect(new Set(statuses.map((s) => s.status))).toEqual(new Set([503]));
    } finally {
      await app.close();
      await redis.kill();
    }
  });

  it('on the PostgreSQL store, when the database goes away mid-way, 20 parallel logins all answer 503 and no password is checked', async () => {
    const main = await startApp();
    // The app reaches PostgreSQL through a proxy of the test's own, which then cuts every connection.
    const proxy = await TcpProxy.start(new URL(process.env.DATABASE_URL!));
    const dbUrl = new URL(process.env.DATABASE_URL!);
    dbUrl.host = `127.0.0.1:${proxy.port}`;
    const { app, trap } = await startOn('postgres', { DATABASE_URL: dbUrl.toString() });
    try {
      const u = await makeUser(main.ds, main.http, 'beibei', 'officer', { login: false });
      // This user's password at the production cost, as before test users got a cheap hash: with
      // the cheap one the sign-in below answers before the app's PostgreSQL queue backend has
      // finished connecting, and cutting the database then surfaces an unhandled pg error
      // ("Connection terminated unexpectedly"), an open question of its own, not this test's.
      await main.ds.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
        u.id,
        await secrets.hashPassword(TEST_PASSWORD),
      ]);
      await app.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password: TEST_PASSWORD })
        .expect(200);
      await proxy.stop();
      const verify = jest.spyOn(secrets, 'verifyPassword');
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          app.http.post('/api/v1/auth/login').send({ username: u.username, password: `guess-${i}` }),
        ),
      );
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([503]));
      expect(new Set(answers.map((a) => a.body.code))).toEqual(new Set(['LOGIN_UNAVAILABLE']));
      expect(verify).not.toHaveBeenCalled();
      expect(trap!.connections).toBe(0);
    } finally {
      await proxy.stop();
      await app.close().catch(() => undefined);
      await trap!.close();
      await main.close();
    }
  });
});

/** A loopback TCP proxy to the test database; `stop` cuts every connection and refuses new ones. */
class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async start(target: URL): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => {
      const upstream = connect({ host: target.hostname, port: Number(target.port || 5432) });
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => proxy.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe.each<Store>(['redis', 'postgres'])(
  'API rate limit (API_RATE_LIMIT) and the RateLimit fields on the %s store',
  (store) => {
    const QUOTA = 8;
    let t: TestApp;
    let trap: RedisTrap | null;
    beforeAll(async () => {
      ({ app: t, trap } = await startOn(store, { API_RATE_LIMIT: String(QUOTA), TRUST_PROXY: 'true' }));
    });
    afterAll(async () => {
      await t.close();
      expect(trap?.connections ?? 0).toBe(0);
      await trap?.close();
    });

    const remaining = (h: Record<string, string>) => Number(/r=(\d+)/.exec(h['ratelimit'] ?? '')?.[1]);

    it('a signed-in user’s responses carry RateLimit-Policy and RateLimit; over the quota 429 with Retry-After', async () => {
      const u = await makeUser(t.ds, t.http, 'beibei', 'officer');
      const seen: number[] = [];
      for (let i = 0; i < QUOTA; i++) {
        const res = await t.http.get('/api/v1/auth/me').set(u.auth).expect(200);
        expect(res.headers['ratelimit-policy']).toBe(`"api";q=${QUOTA};w=60`);
        expect(res.headers['ratelimit']).toMatch(/^"api";r=\d+;t=\d+$/);
        seen.push(remaining(res.headers));
      }
      expect(seen).toEqual([...seen].sort((a, b) => b - a));
      expect(seen[seen.length - 1]).toBe(0);
      const over = await t.http.get('/api/v1/auth/me').set(u.auth).expect(429);
      expect(over.body.code).toBe('RATE_LIMITED');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.headers['ratelimit']).toMatch(/^"api";r=0;t=\d+$/);
      // another user has a quota of their own
      const other = await makeUser(t.ds, t.http, 'beibei', 'officer');
      await t.http.get('/api/v1/auth/me').set(other.auth).expect(200);
    });

    it('requests without a valid credential count per client address, and carry the fields too', async () => {
      const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
      const health = await t.http.get('/health').set('X-Forwarded-For', ip).expect(200);
      expect(health.headers['ratelimit']).toBe(`"api";r=${QUOTA - 1};t=60`);
      const bad = await t.http
        .get('/api/v1/taxonomy')
        .set('X-Forwarded-For', ip)
        .set('Authorization', 'Bearer nope');
      expect(bad.status).toBe(401);
      expect(remaining(bad.headers)).toBe(QUOTA - 2);
      const login = await t.http
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ username: uniq('ghost'), password: 'whatever-1' })
        .expect(401);
      expect(remaining(login.headers)).toBe(QUOTA - 3);
      const missing = await t.http.get('/api/v1/nowhere').set('X-Forwarded-For', ip).expect(404);
      expect(remaining(missing.headers)).toBe(QUOTA - 4);
      for (let i = 0; i < 4; i++) await t.http.get('/health').set('X-Forwarded-For', ip);
      const over = await t.http.get('/health').set('X-Forwarded-For', ip).expect(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    });
  },
);

describe('API rate limit with its store down', () => {
  const QUOTA = 8;

  it('with Redis down ordinary API calls keep working, limited per process (never unlimited)', async () => {
    const redis = await startOwnRedis();
    const app = await startApp({ REDIS_URL: redis.url, API_RATE_LIMIT: String(QUOTA) });
    try {
      const u = await makeUser(app.ds, app.http, 'mianyang', 'officer');
      await redis.kill();
      const statuses: number[] = [];
      for (let i = 0; i < QUOTA + 2; i++) {
        const res = await app.http.get('/api/v1/auth/me').set(u.auth);
        statuses.push(res.status);
        expect(res.headers['ratelimit-policy']).toBe(`"api";q=${QUOTA};w=60`);
      }
      // The user had used one request of the shared count before Redis died; the process counts anew.
      expect(statuses.slice(0, QUOTA)).toEqual(Array(QUOTA).fill(200));
      expect(statuses.slice(QUOTA)).toEqual([429, 429]);
    } finally {
      await app.close();
      await redis.kill();
    }
  });
});
