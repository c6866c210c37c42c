import { API_KEY_PREFIX, generateApiKey, hashPassword, sha256, verifyPassword } from './secrets';

describe('secrets', () => {
  it('hashes passwords with argon2id and verifies them', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    // The production cost (the e2e test users' hashes are cheaper: test/support/factories.ts).
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'wrong horse')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });

  it('makes lck_ keys with at least 128 random bits, stored as SHA-256', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(Buffer.from(a.key.slice(4), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(sha256(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.key.slice(4));
  });
});
