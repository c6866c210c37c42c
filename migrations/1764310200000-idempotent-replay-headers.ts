import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A replayed idempotent request returns the first response's status, headers and body
 * (DESIGN §11): the headers that describe the result (ETag, Location, Content-Type) are kept
 * with the stored response.
 */
export class IdempotentReplayHeaders1764310200000 implements MigrationInterface {
  name = 'IdempotentReplayHeaders1764310200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN response_headers jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN response_headers`);
  }
}
