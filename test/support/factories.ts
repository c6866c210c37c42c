import * as argon2 from 'argon2';
import { randomBytes } from 'crypto';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import type { Jurisdiction, Role, Scope } from '../../libs/common/request-context';
import { generateApiKey } from '../../libs/identity/secrets';
import { USCC_CHARSET, withUsccCheck } from '../../libs/uscc/uscc';

export const TEST_PASSWORD = 'test-password-123';
let passwordHash: Promise<string> | null = null;

/**
 * The test users' password hash: argon2id at its lowest cost. Test users sign in hundreds of times
 * a run, and a sign-in verifies with the parameters stored in the hash, so at the production cost
 * (64 MiB, 3 passes: about a second each on a busy CI machine) sign-ins took minutes of the run.
 * The production cost of hashPassword is asserted in libs/identity/secrets.spec.ts, and users
 * made through the API (admin, password change) are still hashed by it.
 */
const testPasswordHash = (password: string) =>
  argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });

export const uniq = (prefix = 't') => `${prefix}${randomBytes(5).toString('hex')}`;

export interface TestUser {
  id: string;
  username: string;
  jurisdiction: Jurisdiction;
  role: Role;
  token: string;
  auth: { Authorization: string };
}

/** A user of its own (tests never share users), signed in. */
export async function makeUser(
  ds: DataSource,
  http: TestAgent,
  jurisdiction: Jurisdiction,
  role: Role = 'officer',
  opts: { active?: boolean; login?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= testPasswordHash(TEST_PASSWORD);
  const username = uniq(`${jurisdiction}.${role}.`);
  const [row] = await ds.query(
    `INSERT INTO users (username, display_name, jurisdiction, role, password_hash, active)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [username, `测试${role}`, jurisdiction, role, await passwordHash, opts.active ?? true],
  );
  let token = '';
  if (opts.login !== false) {
    const res = await http.post('/api/v1/auth/login').send({ username, password: TEST_PASSWORD });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    token = res.body.accessToken;
  }
  return { id: row.id, username, jurisdiction, role, token, auth: { Authorization: `Bearer ${token}` } };
}

export interface TestKey {
  id: string;
  key: string;
  auth: { Authorization: string };
}

/** An API key inserted directly (the admin endpoint is tested on its own). */
export async function makeApiKey(
  ds: DataSource,
  jurisdiction: Jurisdiction,
  scopes: Scope[],
): Promise<TestKey> {
  const { key, hash, prefix } = generateApiKey();
  const [row] = await ds.query(
    `INSERT INTO api_keys (name, jurisdiction, scopes, key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [uniq('key-'), jurisdiction, scopes, hash, prefix],
  );
  return { id: row.id, key, auth: { Authorization: `Bearer ${key}` } };
}

/** A valid random USCC (GB 32100-2015) starting with `prefix` (a registration authority and region). */
export function randomUscc(prefix = '9150010'): string {
  let body = prefix;
  while (body.length < 17) body += USCC_CHARSET[Math.floor(Math.random() * USCC_CHARSET.length)];
  return withUsccCheck(body);
}

// Response bodies as supertest gives them: the suites read their fields freely.
type Body = Record<string, any>;

/**
 * A lead created through the API by `user` (a unique title and investor unless given); `over`
 * replaces any field of the request. Fails the test unless it answers 201.
 */
export async function makeLead(
  http: TestAgent,
  user: { auth: Record<string, string> },
  over: Record<string, unknown> = {},
): Promise<Body & { id: string; version: number; title: string }> {
  const res = await http
    .post('/api/v1/leads')
    .set(user.auth)
    .send({
      title: `项目${uniq()}`,
      investor: { name: `测试投资${uniq()}有限公司` },
      segments: ['nev.battery-pack'],
      ...over,
    });
  if (res.status !== 201) throw new Error(`lead not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An enterprise created through the API by `user`; `over` replaces any field of the request. */
export async function makeEnterprise(
  http: TestAgent,
  user: { auth: Record<string, string> },
  over: Record<string, unknown> = {},
): Promise<Body & { id: string; version: number; name: string }> {
  const res = await http
    .post('/api/v1/enterprises')
    .set(user.auth)
    .send({ name: `测试企业${uniq()}`, segments: ['ngit.sensors'], ...over });
  if (res.status !== 201)
    throw new Error(`enterprise not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
