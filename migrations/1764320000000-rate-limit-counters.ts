import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters in PostgreSQL, for installations whose queues run on PostgreSQL
 * (QUEUE_BACKEND=postgres, no Redis): the login and API limiters (DESIGN §11) count here through
 * rate-limiter-flexible's PostgreSQL store (libs/platform/rate-limiter.ts), one atomic
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` per attempt. The layout is the store's own (key,
 * points, expire in epoch ms); every policy shares the table, its name prefixing the key.
 * UNLOGGED: counters are short-lived and need no WAL; a crash empties them, which only restarts
 * the windows. Rows that expired an hour ago are deleted by the store every five minutes.
 */
export class RateLimitCounters1764320000000 implements MigrationInterface {
  name = 'RateLimitCounters1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit_counters`);
  }
}
