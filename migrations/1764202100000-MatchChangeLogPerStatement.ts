import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matching performance (DESIGN §10): the changes-feed trigger on `matches` runs once per statement
 * over its transition tables instead of once per row. A full re-match writes matches in set-based
 * statements of thousands of rows; the row-level `log_change` ran a PL/pgSQL call and a lead
 * lookup for each. The change_log rows are the same (entity 'match', op, version, the lead's
 * jurisdiction; an update logs only rows whose version changed), stamped with the same xid, so
 * the feed reads them exactly as before. The other tables keep the row-level `log_change`.
 */
export class MatchChangeLogPerStatement1764202100000 implements MigrationInterface {
  name = 'MatchChangeLogPerStatement1764202100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION log_match_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          SELECT 'match', n.id, 'upsert', n.version,
                 CASE WHEN l.id IS NULL THEN '{}'::text[] ELSE ARRAY[l.jurisdiction] END
            FROM new_rows n LEFT JOIN leads l ON l.id = n.lead_id;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          SELECT 'match', n.id, 'upsert', n.version,
                 CASE WHEN l.id IS NULL THEN '{}'::text[] ELSE ARRAY[l.jurisdiction] END
            FROM new_rows n
            JOIN old_rows o ON o.id = n.id AND o.version IS DISTINCT FROM n.version
            LEFT JOIN leads l ON l.id = n.lead_id;
        ELSE
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          SELECT 'match', o.id, 'delete', o.version,
                 CASE WHEN l.id IS NULL THEN '{}'::text[] ELSE ARRAY[l.jurisdiction] END
            FROM old_rows o LEFT JOIN leads l ON l.id = o.lead_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER matches_change_log ON matches`);
    await q.query(`CREATE TRIGGER matches_change_log_ins AFTER INSERT ON matches
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_match_changes()`);
    await q.query(`CREATE TRIGGER matches_change_log_upd AFTER UPDATE ON matches
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_match_changes()`);
    await q.query(`CREATE TRIGGER matches_change_log_del AFTER DELETE ON matches
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_match_changes()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS matches_change_log_del ON matches`);
    await q.query(`DROP TRIGGER IF EXISTS matches_change_log_upd ON matches`);
    await q.query(`DROP TRIGGER IF EXISTS matches_change_log_ins ON matches`);
    await q.query(`DROP FUNCTION IF EXISTS log_match_changes()`);
    await q.query(
      `CREATE TRIGGER matches_change_log AFTER INSERT OR UPDATE OR DELETE ON matches FOR EACH ROW EXECUTE FUNCTION log_change('match')`,
    );
  }
}
