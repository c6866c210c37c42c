import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archived leads and the 待分配 queue (DESIGN §4–5):
 * - `leads.archived_at`: a manager archives a lead (soft delete). It leaves lists, search, the
 *   board and matching; the changes feed shows it as a tombstone. Adding a nullable column
 *   without a default rewrites nothing.
 * - `leads_archived_idx`: the few archived ids, for the text-search walk to skip them without
 *   leaving the primary key's index-only scan.
 * - `leads_unassigned_idx`: leads without an owner (pushed by partner systems), per jurisdiction,
 *   the queue managers assign from.
 * - `audit_actor_idx`: the audit page filters by who.
 */
export class LeadArchiveAssign1764350000000 implements MigrationInterface {
  name = 'LeadArchiveAssign1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads ADD COLUMN archived_at timestamptz`);
    await q.query(`CREATE INDEX leads_archived_idx ON leads (id) WHERE archived_at IS NOT NULL`);
    await q.query(
      `CREATE INDEX leads_unassigned_idx ON leads (jurisdiction, id) WHERE owner_id IS NULL AND archived_at IS NULL`,
    );
    await q.query(`CREATE INDEX audit_actor_idx ON audit_entries (actor_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_actor_idx`);
    await q.query(`DROP INDEX leads_unassigned_idx`);
    await q.query(`DROP INDEX leads_archived_idx`);
    await q.query(`ALTER TABLE leads DROP COLUMN archived_at`);
  }
}
