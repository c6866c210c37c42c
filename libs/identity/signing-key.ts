import { sqlRows } from '../db/sql';
import { randomBytes } from 'crypto';
import type { DataSource, EntityManager } from 'typeorm';

const GENERATED_KEY = 'jwt_signing_secret';

/**
 * The key that signs access tokens (DESIGN §11): JWT_SECRET when set (required in production);
 * otherwise a random 256-bit key generated on first start and kept in `instance_settings`, so the
 * API and the worker agree, restarts keep sessions, and no secret is ever published. Processes
 * starting at once race on INSERT … ON CONFLICT DO NOTHING and all read the one row that won.
 */
export async function accessTokenSecret(
  db: DataSource | EntityManager,
  configured: string | null,
): Promise<string> {
  if (configured) return configured;
  await sqlRows(
    db,
    `INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
    [GENERATED_KEY, randomBytes(32).toString('base64url')],
  );
  const [row] = (await sqlRows(db, `SELECT value FROM instance_settings WHERE key = $1`, [
    GENERATED_KEY,
  ])) as {
    value: string;
  }[];
  return row.value;
}
