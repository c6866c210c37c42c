import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lead columns whose change can alter a lead's matches (DESIGN §10): its segments, its land
 * need (parks), its jurisdiction (cross-city ranking, cluster strength) and its planned investment
 * (the size fit of the ranking). The ONE list: the trigger below is generated from it, and every
 * writer of `leads` (API, partner sync, imports, demo seed, SQL by hand) goes through the trigger.
 * Stage, summary, sharing, contacts, activities and the rest never touch `match_version`, so they
 * never make a lead's matches look out of date. A lead that is lost keeps the matches it had, frozen
 * (base-data re-matching skips lost leads): reopening it is the one stage change that counts
 * (REOPENED), so it is matched again against what changed meanwhile.
 */
const MATCH_INPUTS = ['segments', 'land_need_mu', 'jurisdiction', 'planned_investment_wan'];
const REOPENED = `(OLD.stage = 'lost' AND NEW.stage <> 'lost')`;

/** libs/outbox/outbox.service.ts OUTBOX_CHANNEL. */
const OUTBOX_CHANNEL = 'lc_outbox';

/**
 * A job id of its own for every queued match (BullMQ keeps finished jobs for a day and ignores a
 * new job under a finished one's id: a database rebuilt under the same Redis, with the demo seed's
 * fixed lead ids, used to leave every lead unmatched). Three ':'-separated parts, as BullMQ wants.
 */
const JOB_KEY = (id: string, version: string) =>
  `'match-lead:' || ${id} || ':m' || ${version} || '-' || substr(md5(random()::text), 1, 12)`;

/**
 * Matching never leaves a lead behind (DESIGN §10, §12).
 *
 * 1. `leads.match_version` counts changes of the matching inputs (MATCH_INPUTS), bumped by a
 *    BEFORE UPDATE trigger whose WHEN clause Postgres evaluates without calling PL/pgSQL for the
 *    rows it does not concern. `leads.version` still counts every change (ETag, feed).
 * 2. `lead_match_state` says for which match version the stored matches were computed
 *    (`matched_version`, 0 = never) and which one was last queued (`queued_version`, with the job's
 *    key and time). Statement triggers on `leads` queue a `match-lead` job through the outbox, in
 *    the writing transaction, for every created lead and every bumped match version, and record it
 *    here: `matched_version < queued_version` is exactly "pending, a job is on its way". The partial
 *    index on that condition is what the periodic sweep reads to find jobs that got lost.
 * 3. Existing state is converted: matches computed for the lead's current version are ready for
 *    match version 1; the rest (among them every lead left pending because a stage change made its
 *    job look stale) get a job now.
 * 4. `matching_sweep` keeps the sweep's counts for /metrics (the API serves them; the sweep runs
 *    in the worker).
 * 5. lead_match_state loses its foreign key to leads (every created lead writes a state row; the
 *    key cost a trigger call and a lookup per row, as 1764202400000 found for the other per-lead
 *    tables). Leads are never deleted; the sweep joins the state to its lead.
 */
export class LeadMatchVersion1764300000000 implements MigrationInterface {
  name = 'LeadMatchVersion1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads ADD COLUMN match_version int NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE lead_match_state DROP CONSTRAINT lead_match_state_lead_id_fkey`);
    await q.query(`
      ALTER TABLE lead_match_state
        ALTER COLUMN matched_version SET DEFAULT 0,
        ALTER COLUMN algorithm_version DROP NOT NULL,
        ALTER COLUMN computed_at DROP NOT NULL,
        ALTER COLUMN computed_at DROP DEFAULT,
        ADD COLUMN queued_version int NOT NULL DEFAULT 0,
        ADD COLUMN queued_key text,
        ADD COLUMN queued_at timestamptz`);
    // Matches computed for the lead's current version stay ready; anything older is redone.
    await q.query(`
      UPDATE lead_match_state s
         SET matched_version = CASE WHEN s.matched_version >= l.version THEN 1 ELSE 0 END
        FROM leads l WHERE l.id = s.lead_id`);
    await q.query(`
      INSERT INTO lead_match_state (lead_id, matched_version)
      SELECT l.id, 0 FROM leads l WHERE NOT EXISTS (SELECT 1 FROM lead_match_state s WHERE s.lead_id = l.id)`);
    await q.query(`
      WITH behind AS (
        SELECT lead_id, ${JOB_KEY('lead_id::text', '1')} AS key FROM lead_match_state
         WHERE matched_version < 1 ORDER BY lead_id),
      st AS (
        UPDATE lead_match_state s SET queued_version = 1, queued_key = b.key, queued_at = now()
          FROM behind b WHERE s.lead_id = b.lead_id)
      INSERT INTO outbox (kind, dedupe_key, payload)
      SELECT 'match-lead', key, jsonb_build_object('leadId', lead_id, 'version', 1) FROM behind`);
    await q.query(`UPDATE lead_match_state SET queued_version = 1 WHERE queued_version = 0`);
    await q.query(
      `CREATE INDEX lead_match_state_behind_idx ON lead_match_state (lead_id) WHERE matched_version < queued_version`,
    );

    await q.query(`
      CREATE FUNCTION lead_match_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.match_version := OLD.match_version + 1;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER leads_match_version BEFORE UPDATE OF ${MATCH_INPUTS.join(', ')}, stage ON leads
      FOR EACH ROW WHEN (${[...MATCH_INPUTS.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`), REOPENED].join(' OR ')})
      EXECUTE FUNCTION lead_match_version_bump()`);

    // One function for both statements: created leads, and updated leads whose match version moved.
    await q.query(`
      CREATE FUNCTION lead_match_queue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          WITH due AS (
            SELECT n.id, n.match_version, ${JOB_KEY('n.id::text', 'n.match_version')} AS key
              FROM new_rows n ORDER BY n.id),
          st AS (
            INSERT INTO lead_match_state (lead_id, matched_version, queued_version, queued_key, queued_at)
            SELECT id, 0, match_version, key, now() FROM due
            ON CONFLICT (lead_id) DO UPDATE
              SET queued_version = EXCLUDED.queued_version, queued_key = EXCLUDED.queued_key,
                  queued_at = EXCLUDED.queued_at)
          INSERT INTO outbox (kind, dedupe_key, payload)
          SELECT 'match-lead', key, jsonb_build_object('leadId', id, 'version', match_version) FROM due;
        ELSE
          WITH due AS (
            SELECT n.id, n.match_version, ${JOB_KEY('n.id::text', 'n.match_version')} AS key
              FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.match_version > o.match_version ORDER BY n.id),
          st AS (
            INSERT INTO lead_match_state (lead_id, matched_version, queued_version, queued_key, queued_at)
            SELECT id, 0, match_version, key, now() FROM due
            ON CONFLICT (lead_id) DO UPDATE
              SET queued_version = GREATEST(lead_match_state.queued_version, EXCLUDED.queued_version),
                  queued_key = EXCLUDED.queued_key, queued_at = EXCLUDED.queued_at)
          INSERT INTO outbox (kind, dedupe_key, payload)
          SELECT 'match-lead', key, jsonb_build_object('leadId', id, 'version', match_version) FROM due;
        END IF;
        IF FOUND THEN
          PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER leads_match_queue_ins AFTER INSERT ON leads
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lead_match_queue()`);
    await q.query(`CREATE TRIGGER leads_match_queue_upd AFTER UPDATE ON leads
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lead_match_queue()`);

    await q.query(`
      CREATE TABLE matching_sweep (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        runs bigint NOT NULL DEFAULT 0,
        found_total bigint NOT NULL DEFAULT 0,
        last_found int NOT NULL DEFAULT 0,
        last_run_at timestamptz
      )`);
    await q.query(`INSERT INTO matching_sweep (id) VALUES (1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE matching_sweep`);
    await q.query(`DROP TRIGGER leads_match_queue_ins ON leads`);
    await q.query(`DROP TRIGGER leads_match_queue_upd ON leads`);
    await q.query(`DROP FUNCTION lead_match_queue()`);
    await q.query(`DROP TRIGGER leads_match_version ON leads`);
    await q.query(`DROP FUNCTION lead_match_version_bump()`);
    await q.query(`DROP INDEX lead_match_state_behind_idx`);
    // Back to "computed for lead version N": ready states claim the lead's current version.
    await q.query(`
      UPDATE lead_match_state s
         SET matched_version = CASE WHEN s.matched_version >= l.match_version THEN l.version ELSE 0 END
        FROM leads l WHERE l.id = s.lead_id`);
    await q.query(`DELETE FROM lead_match_state WHERE computed_at IS NULL OR algorithm_version IS NULL`);
    await q.query(`
      ALTER TABLE lead_match_state
        DROP COLUMN queued_version,
        DROP COLUMN queued_key,
        DROP COLUMN queued_at,
        ALTER COLUMN matched_version DROP DEFAULT,
        ALTER COLUMN algorithm_version SET NOT NULL,
        ALTER COLUMN computed_at SET DEFAULT now(),
        ALTER COLUMN computed_at SET NOT NULL`);
    await q.query(
      `ALTER TABLE lead_match_state ADD CONSTRAINT lead_match_state_lead_id_fkey FOREIGN KEY (lead_id) REFERENCES leads(id)`,
    );
    await q.query(`ALTER TABLE leads DROP COLUMN match_version`);
  }
}
