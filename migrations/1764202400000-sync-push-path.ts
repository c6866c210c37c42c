import { MigrationInterface, QueryRunner } from 'typeorm';

/** The jurisdictions of libs/common/request-context.ts JURISDICTIONS when this migration was written. */
const JURISDICTION_CODES = ['beibei', 'mianyang'];

/**
 * Tables every created lead writes a row to (lead, audit entry, domain event, external ref).
 */
/** What the text search reads of a lead walking the id order (LeadRepository.searchWalk). */
const WALK_COLUMNS = 'jurisdiction, sharing, confidential, title, investor_name';

/** libs/sync/lead-sync.service.ts LEAD_REFS_CLAIMED. */
const REFS_CLAIMED = 'liancheng.lead_refs_claimed';

const PER_LEAD_TABLES = ['leads', 'audit_entries', 'domain_events', 'external_ref_index'];

/**
 * Partner sync push path (Performance: 10,000 leads/s through PUT /sync/leads).
 *
 * 1. The jurisdiction of the tables a created lead writes a row to is checked by a CHECK
 *    constraint instead of a foreign key to `jurisdictions`. The codes are a fixed set that the
 *    code knows (JURISDICTIONS; the collision indexes of 1764202200000 name them too), and a
 *    foreign key costs a trigger call and a lookup per row: four per created lead, about 16 ms of
 *    Postgres CPU per 1,000. The other tables keep their foreign keys: they are written a row at a
 *    time. A new jurisdiction extends these checks in its migration.
 * 2. `lc_bigrams` in PL/pgSQL: the same pairs for every input (the index built on it stays valid),
 *    a third of the CPU. The SQL form aggregated a generate_series subquery per call, about
 *    18 µs a lead; each created lead and every search that rechecks a pair calls it.
 * 3. Two fewer index entries per created lead:
 *    - the primary key carries the columns of `leads_search_walk_idx` (1764202300000) as INCLUDE
 *      columns and that index goes: the text search walks the primary key, index-only, as it
 *      walked the other. The foreign keys that reference leads(id) are dropped with the old key
 *      and re-created as they were;
 *    - `leads_owner_idx` holds only leads that have an owner (`owner_id = …` implies it). Leads
 *      from partner systems have none.
 * 4. The statement trigger that indexes the external refs of inserted leads does not fire in a
 *    transaction that sets `liancheng.lead_refs_claimed` (LeadSyncService): that transaction has
 *    already claimed every created lead's ref in external_ref_index, and the trigger only met
 *    its own rows (ON CONFLICT DO NOTHING), about 3 ms per 1,000 leads.
 */
export class SyncPushPath1764202400000 implements MigrationInterface {
  name = 'SyncPushPath1764202400000';

  async up(q: QueryRunner): Promise<void> {
    await this.replacePrimaryKey(q, `PRIMARY KEY (id) INCLUDE (${WALK_COLUMNS})`);
    await q.query(`DROP INDEX leads_search_walk_idx`);
    await q.query(`DROP INDEX leads_owner_idx`);
    await q.query(`CREATE INDEX leads_owner_idx ON leads (owner_id, id) WHERE owner_id IS NOT NULL`);
    await this.createRefsInsertTrigger(
      q,
      `WHEN (current_setting('${REFS_CLAIMED}', true) IS DISTINCT FROM 'on')`,
    );
    const codes = JURISDICTION_CODES.map((c) => `'${c}'`).join(', ');
    for (const table of PER_LEAD_TABLES) {
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_jurisdiction_check CHECK (jurisdiction IN (${codes}))`,
      );
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_jurisdiction_fkey`);
    }
    await q.query(`
      CREATE OR REPLACE FUNCTION lc_bigrams(t text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
      DECLARE
        s text := lower(t);
        pairs text[] := '{}';
      BEGIN
        FOR i IN 1 .. char_length(s) - 1 LOOP
          pairs[i] := substr(s, i, 2);
        END LOOP;
        RETURN pairs;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.createRefsInsertTrigger(q, '');
    await q.query(`
      CREATE OR REPLACE FUNCTION lc_bigrams(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
        SELECT coalesce(array_agg(substr(s, i, 2)), '{}')
          FROM (SELECT lower(t) AS s) x, generate_series(1, char_length(s) - 1) AS i
      $$`);
    for (const table of PER_LEAD_TABLES) {
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_jurisdiction_fkey FOREIGN KEY (jurisdiction) REFERENCES jurisdictions(code)`,
      );
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_jurisdiction_check`);
    }
    await q.query(`DROP INDEX leads_owner_idx`);
    await q.query(`CREATE INDEX leads_owner_idx ON leads (owner_id, id)`);
    await q.query(`CREATE INDEX leads_search_walk_idx ON leads (id) INCLUDE (${WALK_COLUMNS})`);
    await this.replacePrimaryKey(q, `PRIMARY KEY (id)`);
  }

  private async createRefsInsertTrigger(q: QueryRunner, condition: string): Promise<void> {
    await q.query(`DROP TRIGGER leads_external_refs_ins ON leads`);
    await q.query(`CREATE TRIGGER leads_external_refs_ins AFTER INSERT ON leads
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT ${condition} EXECUTE FUNCTION index_external_refs('lead')`);
  }

  /** Re-creates leads_pkey as `definition`, with the foreign keys that reference it as they were. */
  private async replacePrimaryKey(q: QueryRunner, definition: string): Promise<void> {
    const refs: { tbl: string; name: string; def: string }[] = await q.query(
      `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE confrelid = 'leads'::regclass AND contype = 'f' ORDER BY conname`,
    );
    for (const r of refs) await q.query(`ALTER TABLE ${r.tbl} DROP CONSTRAINT ${r.name}`);
    await q.query(`ALTER TABLE leads DROP CONSTRAINT leads_pkey`);
    await q.query(`ALTER TABLE leads ADD CONSTRAINT leads_pkey ${definition}`);
    for (const r of refs) await q.query(`ALTER TABLE ${r.tbl} ADD CONSTRAINT ${r.name} ${r.def}`);
  }
}
