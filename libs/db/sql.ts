import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

type Queryable = EntityManager | DataSource;

/**
 * Runs SQL and always returns the result rows. (TypeORM's plain `query()` returns
 * `[rows, count]` for UPDATE/DELETE … RETURNING, which is easy to misread.)
 */
export async function sqlRows<T = Record<string, any>>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const em = db instanceof DataSource ? db.manager : db;
  const runner = em.queryRunner;
  if (runner) {
    const res = await runner.query(text, params, true);
    return res.records as T[];
  }
  // Outside a transaction: straight to the driver's pool (one checkout, one round trip), without
  // building a TypeORM query runner per statement: the read hot paths run here.
  const pool = (em.connection.driver as unknown as { master?: Pool }).master;
  if (pool) return (await pool.query(text, params as unknown[])).rows as T[];
  const own = em.connection.createQueryRunner();
  try {
    const res = await own.query(text, params, true);
    return res.records as T[];
  } finally {
    await own.release();
  }
}

/**
 * Numbered placeholders for SQL built from parts: `p(v)` appends `v` to `params` and returns its
 * `$n`. `initial` are the values already bound to `$1…$k`.
 */
export function sqlParams(initial: unknown[] = []): { params: unknown[]; p: (v: unknown) => string } {
  const params = [...initial];
  return {
    params,
    p: (v) => {
      params.push(v);
      return `$${params.length}`;
    },
  };
}

export async function sqlOne<T = Record<string, any>>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  const rows = await sqlRows<T>(db, text, params);
  return rows[0];
}

/** Postgres errors worth retrying the whole batch for (lock order between concurrent batches). */
export function isRetryable(e: unknown): boolean {
  const code =
    (e as { code?: string; driverError?: { code?: string } })?.code ??
    (e as { driverError?: { code?: string } })?.driverError?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Options of a bulk write. `dryRun`: every statement runs, then the transaction rolls back, so the
 * results (created / updated / unchanged / error, collisions) are exactly those a real write would
 * give at that moment, and nothing is written (an import's preview, DESIGN §17).
 */
export interface WriteOptions {
  dryRun?: boolean;
}

class RolledBack<T> extends Error {
  constructor(readonly result: T) {
    super('dry run: rolled back');
  }
}

/** Runs `work` in one transaction, committed or (dry run) rolled back; returns its result either way. */
export async function transactionOrDryRun<T>(
  ds: DataSource,
  work: (em: EntityManager) => Promise<T>,
  opts: WriteOptions = {},
): Promise<T> {
  if (!opts.dryRun) return ds.transaction(work);
  try {
    await ds.transaction(async (em) => {
      throw new RolledBack(await work(em));
    });
  } catch (e) {
    if (e instanceof RolledBack) return e.result as T;
    throw e;
  }
  throw new Error('unreachable: a dry run always rolls back');
}
