import * as argon2 from 'argon2';
import { createHash, randomBytes, timingSafeEqual } from 'crypto';

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4): OWASP-recommended parameters. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export const API_KEY_PREFIX = 'lck_';

/** A new partner key: `lck_` + 256 random bits, base64url. Shown once; stored as SHA-256 only. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: sha256(key), prefix: key.slice(0, 12) };
}

/** A webhook signing secret or refresh token: 256 random bits. */
export function generateSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
