import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Index for the partner half of the lead list (issue 3, Performance). `GET /leads` reads the
 * caller's own leads and the partner's *shared* leads as two ordered branches (Merge Append);
 * the partner branch filtered by stage walks `(jurisdiction, stage, id)` of shared rows only,
 * instead of skipping the ~65 % private rows of the partner in `leads_stage_idx`.
 */
export class Leads1764201700000 implements MigrationInterface {
  name = 'Leads1764201700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS leads_shared_stage_idx ON leads (jurisdiction, stage, id) WHERE sharing = 'shared'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS leads_shared_stage_idx`);
  }
}
