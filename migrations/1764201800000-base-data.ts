import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the shared base data, the audit reader and the parks filters:
 * - audit entries are listed per jurisdiction, newest first;
 * - `chainLeader=true` lists chain leaders (about 1 % of enterprises) in id order;
 * - parks are filtered by jurisdiction and target segment and searched by name (pg_trgm).
 */
export class BaseData1764201800000 implements MigrationInterface {
  name = 'BaseData1764201800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_jurisdiction_idx ON audit_entries (jurisdiction, id)`);
    await q.query(
      `CREATE INDEX enterprises_chain_leader_idx ON enterprises (id) WHERE chain_leader AND deleted_at IS NULL`,
    );
    await q.query(`CREATE INDEX parks_jurisdictions_idx ON parks USING gin (jurisdictions)`);
    await q.query(`CREATE INDEX parks_target_segments_idx ON parks USING gin (target_segments)`);
    await q.query(
      `CREATE INDEX parks_search_trgm_idx ON parks USING gin ((name || ' ' || coalesce(name_en, '')) gin_trgm_ops)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const idx of [
      'parks_search_trgm_idx',
      'parks_target_segments_idx',
      'parks_jurisdictions_idx',
      'enterprises_chain_leader_idx',
      'audit_jurisdiction_idx',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${idx}`);
    }
  }
}
