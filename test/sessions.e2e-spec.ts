import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase } from '../libs/db/database';
import { prepareDatabase } from '../libs/platform/prepare-database';
import { accessTokenSecret } from '../libs/identity/signing-key';
import { TestApp, startApp } from './support/app';
import { waitFor } from './support/wait';
import { TEST_PASSWORD, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

jest.setTimeout(120_000);

/** DESIGN §11: no published secret; sessions end at once; one credential per request. */

const login = async (t: TestApp, username: string) => {
  const res = await t.http.post('/api/v1/auth/login').send({ username, password: TEST_PASSWORD }).expect(200);
  return {
    token: res.body.accessToken as string,
    auth: { Authorization: `Bearer ${res.body.accessToken}` },
    cookie: String(res.headers['set-cookie']).split(';')[0],
  };
};

describe('the access-token signing key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ JWT_SECRET: '' });
  });
  afterAll(() => t.close());

  it('the secret that used to be published signs nothing valid: a forged admin token is 401', async () => {
    const admin = await makeUser(t.ds, t.http, 'beibei', 'admin');
    const forged = new JwtService({ secret: 'liancheng-dev-secret-change-me-in-production' }).sign(
      { sub: admin.id, usr: admin.username, dn: 'x', jur: 'beibei', role: 'admin', sid: uniq(), sep: 0 },
      { expiresIn: 900, algorithm: 'HS256' },
    );
    const res = await t.http.get('/api/v1/users').set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    await t.http.get('/api/v1/users').set(admin.auth).expect(200);
  });

  it('is generated at random and kept in the database: another instance and a restart accept its tokens', async () => {
    const [row] = await t.ds.query(`SELECT value FROM instance_settings WHERE key = 'jwt_signing_secret'`);
    expect(row.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const u = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    const other = await startApp({ JWT_SECRET: '' });
    try {
      await other.http.get('/api/v1/auth/me').set(u.auth).expect(200);
    } finally {
      await other.close();
    }
    const restarted = await startApp({ JWT_SECRET: '' });
    try {
      await restarted.http.get('/api/v1/auth/me').set(u.auth).expect(200);
    } finally {
      await restarted.close();
    }
  });

  it('JWT_SECRET, when set, signs instead (and the generated key no longer verifies)', async () => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
    const configured = await startApp({ JWT_SECRET: 'a-configured-secret-of-at-least-32-characters' });
    try {
      const s = await login(configured, u.username);
      await configured.http.get('/api/v1/auth/me').set(s.auth).expect(200);
      await t.http.get('/api/v1/auth/me').set(s.auth).expect(401);
    } finally {
      await configured.close();
    }
  });

  it('a token that worked is refused once it expires (a verified token is not trusted past its exp)', async () => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
    const signer = new JwtService({ secret: await accessTokenSecret(t.ds, null) });
    const short = signer.sign(
      { sub: u.id, usr: u.username, dn: 'x', jur: 'beibei', role: 'officer', sid: uniq(), sep: 0 },
      { expiresIn: 2, algorithm: 'HS256' },
    );
    await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${short}`).expect(200);
    await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${short}`).expect(200);
    const exp = (JSON.parse(Buffer.from(short.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    const res = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${short}`).expect(401);
    expect(res.body.code).toBe('BAD_TOKEN');
  });

  it('processes starting at once on a new database agree on one generated key', async () => {
    const url = `${process.env.DATABASE_URL}_key`;
    await prepareDatabase(url);
    const sources = await Promise.all(
      Array.from({ length: 6 }, async () =>
        new DataSource(dataSourceOptions(url, { extra: { max: 1 } })).initialize(),
      ),
    );
    try {
      const keys = await Promise.all(sources.map((ds) => accessTokenSecret(ds, null)));
      expect(new Set(keys).size).toBe(1);
      expect((await sources[0].query(`SELECT count(*)::int AS n FROM instance_settings`))[0].n).toBe(1);
    } finally {
      await Promise.all(sources.map((ds) => ds.destroy()));
      await dropDatabase(url);
    }
  });
});

describe('sessions end at once', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startApp();
    admin = await makeUser(t.ds, t.http, 'beibei', 'admin');
  });
  afterAll(() => t.close());

  it('logout: the access token of that sign-in is refused at once; another sign-in keeps working', async () => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
    const laptop = await login(t, u.username);
    const phone = await login(t, u.username);
    await t.http.get('/api/v1/auth/me').set(laptop.auth).expect(200);
    await t.http.post('/api/v1/auth/logout').set('Cookie', laptop.cookie).expect(204);
    await t.http.get('/api/v1/auth/me').set(laptop.auth).expect(401);
    await t.http.post('/api/v1/auth/refresh').set('Cookie', laptop.cookie).expect(401);
    await t.http.get('/api/v1/auth/me').set(phone.auth).expect(200);
  });

  it('logout with only the access token (an API client without the cookie) ends that sign-in too', async () => {
    const u = await makeUser(t.ds, t.http, 'mianyang', 'officer', { login: false });
    const s = await login(t, u.username);
    await t.http.post('/api/v1/auth/logout').set(s.auth).expect(204);
    await t.http.get('/api/v1/auth/me').set(s.auth).expect(401);
    await t.http.post('/api/v1/auth/refresh').set('Cookie', s.cookie).expect(401);
  });

  it.each([
    ['deactivation', { active: false }],
    ['a role change', { role: 'manager' }],
    ['a password change', { password: 'another-long-password' }],
  ])('%s ends every session of the user at once (access and refresh)', async (_label, change) => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
    const a = await login(t, u.username);
    const b = await login(t, u.username);
    await t.http.patch(`/api/v1/users/${u.id}`).set(admin.auth).send(change).expect(200);
    for (const s of [a, b]) {
      await t.http.get('/api/v1/auth/me').set(s.auth).expect(401);
      await t.http.post('/api/v1/auth/refresh').set('Cookie', s.cookie).expect(401);
    }
    if (!('active' in change)) {
      const password = 'password' in change ? change.password : TEST_PASSWORD;
      const again = await t.http
        .post('/api/v1/auth/login')
        .send({ username: u.username, password })
        .expect(200);
      const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${again.body.accessToken}`);
      expect(me.status).toBe(200);
      expect(me.body.role).toBe('role' in change ? change.role : 'officer');
    }
  });

  it('a display-name change ends nothing', async () => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer');
    await t.http.patch(`/api/v1/users/${u.id}`).set(admin.auth).send({ displayName: '新名字' }).expect(200);
    await t.http.get('/api/v1/auth/me').set(u.auth).expect(200);
  });

  it('reusing a rotated refresh token revokes the whole sign-in, the newer tokens too', async () => {
    const u = await makeUser(t.ds, t.http, 'mianyang', 'officer', { login: false });
    const first = await login(t, u.username);
    const other = await login(t, u.username);
    const rotated = await t.http.post('/api/v1/auth/refresh').set('Cookie', first.cookie).expect(200);
    const newer = {
      cookie: String(rotated.headers['set-cookie']).split(';')[0],
      auth: { Authorization: `Bearer ${rotated.body.accessToken}` },
    };
    await t.http.get('/api/v1/auth/me').set(newer.auth).expect(200);
    // The old cookie again: someone else holds a copy.
    await t.http.post('/api/v1/auth/refresh').set('Cookie', first.cookie).expect(401);
    await t.http.post('/api/v1/auth/refresh').set('Cookie', newer.cookie).expect(401);
    await t.http.get('/api/v1/auth/me').set(newer.auth).expect(401);
    await t.http.get('/api/v1/auth/me').set(first.auth).expect(401);
    // Another sign-in of the same user is another family.
    await t.http.get('/api/v1/auth/me').set(other.auth).expect(200);
    const [row] = await t.ds.query(
      `SELECT count(*)::int AS n FROM session_revocations WHERE user_id = $1 AND reason = 'refresh_token_reused'`,
      [u.id],
    );
    expect(row.n).toBe(1);
  });

  it('another API instance refuses a logged-out token within 5 s (no database read per request)', async () => {
    const second = await startApp();
    try {
      const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
      const s = await login(t, u.username);
      await second.http.get('/api/v1/auth/me').set(s.auth).expect(200);
      await t.http.post('/api/v1/auth/logout').set('Cookie', s.cookie).expect(204);
      await waitFor(
        'the second instance refuses the token',
        async () => (await second.http.get('/api/v1/auth/me').set(s.auth)).status === 401,
        5_000,
      );
      const deactivated = await makeUser(t.ds, t.http, 'beibei', 'officer');
      await second.http.get('/api/v1/auth/me').set(deactivated.auth).expect(200);
      await second.http
        .patch(`/api/v1/users/${deactivated.id}`)
        .set(admin.auth)
        .send({ active: false })
        .expect(200);
      await waitFor(
        'the first instance refuses the deactivated user',
        async () => (await t.http.get('/api/v1/auth/me').set(deactivated.auth)).status === 401,
        5_000,
      );
    } finally {
      await second.close();
    }
  });

  it('sign-in and refresh answers are never cached', async () => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer', { login: false });
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ username: u.username, password: TEST_PASSWORD });
    expect(res.headers['cache-control']).toBe('no-store');
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    const refreshed = await t.http.post('/api/v1/auth/refresh').set('Cookie', cookie).expect(200);
    expect(refreshed.headers['cache-control']).toBe('no-store');
  });
});

describe('one credential per request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('a valid Bearer token with any other or invalid credential is 401', async () => {
    const u = await makeUser(t.ds, t.http, 'beibei', 'officer');
    const key = await makeApiKey(t.ds, 'beibei', ['base:read']);
    const cases: [string, Record<string, string>][] = [
      ['valid bearer + junk X-Api-Key', { ...u.auth, 'X-Api-Key': 'junk' }],
      ['valid bearer + empty X-Api-Key', { ...u.auth, 'X-Api-Key': '' }],
      ['valid bearer + unknown key', { ...u.auth, 'X-Api-Key': 'lck_unknown' }],
      ['valid bearer + another valid key', { ...u.auth, 'X-Api-Key': key.key }],
      ['valid key + Basic authorization', { 'X-Api-Key': key.key, Authorization: 'Basic dXNlcjpwYXNz' }],
      ['valid key + empty bearer', { 'X-Api-Key': key.key, Authorization: 'Bearer ' }],
      ['a JWT in X-Api-Key', { 'X-Api-Key': u.token }],
      ['bearer with trailing junk', { Authorization: `Bearer ${u.token} extra` }],
    ];
    for (const [label, headers] of cases) {
      const res = await t.http.get('/api/v1/taxonomy').set(headers);
      expect({ label, status: res.status }).toEqual({ label, status: 401 });
    }
    await t.http.get('/api/v1/taxonomy').set(u.auth).expect(200);
    await t.http.get('/api/v1/taxonomy').set({ 'X-Api-Key': key.key }).expect(200);
    await t.http
      .get('/api/v1/taxonomy')
      .set({ ...key.auth, 'X-Api-Key': key.key })
      .expect(200);
  });
});
