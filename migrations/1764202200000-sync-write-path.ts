import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner sync write path (collisions for bulk-synced leads, bulk upsert throughput).
 *
 * 1. `leads_collision_trgm_<jurisdiction>` replace `leads_investor_norm_trgm_idx`: collision
 *    detection (DESIGN §7) looks only at active leads of the OTHER jurisdiction. With one trigram
 *    index over all leads, a name sharing trigrams with many leads of the writer's own city (a
 *    partner pushing "某某投资 1 … 100000 有限公司") read all of their posting lists before the
 *    jurisdiction filter (a (jurisdiction, investor_norm) btree_gin index did no better: 2 ms per
 *    lead). One partial index per jurisdiction (the detector names it as a literal) holds only
 *    that city's active leads: 0.05–0.1 ms per lead looked up. fastupdate off: with a pending
 *    list every search scans the whole list, which grew to seconds per 1,000 lookups between
 *    cleanups during a bulk load. A new jurisdiction needs its index here too (and a code in
 *    JURISDICTIONS); without it detection still works, by a slower plan.
 * 2. The change log of leads is written by statement-level triggers with transition tables: one
 *    INSERT … SELECT per statement instead of a PL/pgSQL call and a single-row INSERT per row
 *    (bulk upserts write 1,000 rows a statement). Same rows: one entry per new version, stamped
 *    with the writer's xid by the column default; an UPDATE that keeps the version logs nothing.
 * 3. `index_external_refs` returns at once on an UPDATE statement that changed no row's
 *    `external_refs` (every bulk update of leads): it used to re-derive the refs of every row.
 */
/** The jurisdictions of libs/common/request-context.ts JURISDICTIONS when this migration was written. */
const COLLISION_JURISDICTIONS = ['beibei', 'mianyang'];

export class SyncWritePath1764202200000 implements MigrationInterface {
  name = 'SyncWritePath1764202200000';

  async up(q: QueryRunner): Promise<void> {
    for (const j of COLLISION_JURISDICTIONS) {
      await q.query(
        `CREATE INDEX leads_collision_trgm_${j} ON leads USING gin (investor_norm gin_trgm_ops)
          WITH (fastupdate = off) WHERE jurisdiction = '${j}' AND stage <> 'lost'`,
      );
    }
    await q.query(`DROP INDEX IF EXISTS leads_investor_norm_trgm_idx`);

    await q.query(`
      CREATE FUNCTION log_lead_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          SELECT 'lead', n.id, 'upsert', n.version, ARRAY[n.jurisdiction] FROM new_rows n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          SELECT 'lead', n.id, 'upsert', n.version, ARRAY[n.jurisdiction]
            FROM (SELECT id, version, jurisdiction FROM new_rows
                  EXCEPT SELECT id, version, jurisdiction FROM old_rows) n;
        ELSE
          INSERT INTO change_log (entity, entity_id, op, version, jurisdictions)
          SELECT 'lead', o.id, 'delete', o.version, ARRAY[o.jurisdiction] FROM old_rows o;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER IF EXISTS leads_change_log ON leads`);
    await q.query(`CREATE TRIGGER leads_change_log_ins AFTER INSERT ON leads
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_lead_changes()`);
    await q.query(`CREATE TRIGGER leads_change_log_upd AFTER UPDATE ON leads
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_lead_changes()`);
    await q.query(`CREATE TRIGGER leads_change_log_del AFTER DELETE ON leads
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_lead_changes()`);

    await q.query(`
      CREATE OR REPLACE FUNCTION index_external_refs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          -- (nested: old_rows exists only in UPDATE and DELETE statements; EXCEPT hashes both
          -- transition tables once, a join of them was planned as a nested loop of rescans)
          IF NOT EXISTS (SELECT n.id, n.external_refs FROM new_rows n
                          EXCEPT SELECT o.id, o.external_refs FROM old_rows o) THEN
            RETURN NULL;
          END IF;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          DELETE FROM external_ref_index x
           USING old_rows o
           WHERE x.entity = TG_ARGV[0] AND x.entity_id = o.id
             AND (TG_OP = 'DELETE' OR NOT EXISTS (
               SELECT 1 FROM new_rows n, jsonb_array_elements(n.external_refs) e
                WHERE n.id = o.id AND e->>'system' = x.system AND e->>'id' = x.external_id));
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO external_ref_index (entity, system, external_id, jurisdiction, entity_id)
          SELECT DISTINCT ON (e->>'system', e->>'id') TG_ARGV[0], e->>'system', e->>'id', n.jurisdiction, n.id
            FROM new_rows n, jsonb_array_elements(n.external_refs) e
           WHERE jsonb_typeof(n.external_refs) = 'array' AND e->>'system' IS NOT NULL AND e->>'id' IS NOT NULL
          ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const s of ['ins', 'upd', 'del'])
      await q.query(`DROP TRIGGER IF EXISTS leads_change_log_${s} ON leads`);
    await q.query(`DROP FUNCTION IF EXISTS log_lead_changes()`);
    await q.query(
      `CREATE TRIGGER leads_change_log AFTER INSERT OR UPDATE OR DELETE ON leads FOR EACH ROW EXECUTE FUNCTION log_change('lead')`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS leads_investor_norm_trgm_idx ON leads USING gin (investor_norm gin_trgm_ops)`,
    );
    for (const j of COLLISION_JURISDICTIONS) await q.query(`DROP INDEX IF EXISTS leads_collision_trgm_${j}`);
  }
}
