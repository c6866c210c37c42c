import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settings of this installation that every process must share, kept in the database: the
 * generated signing key for access tokens when JWT_SECRET is not set outside production
 * (DESIGN §11: no published secret; API and worker agree; restarts keep sessions).
 * Written with INSERT … ON CONFLICT DO NOTHING, so processes starting at once agree on one value.
 */
export class InstanceSettings1764310000000 implements MigrationInterface {
  name = 'InstanceSettings1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE instance_settings (
        key text PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE instance_settings`);
  }
}
