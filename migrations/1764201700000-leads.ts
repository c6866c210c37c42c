import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead list performance (Performance: filtered list p95 ≤ 25 ms, `q` p95 ≤ 50 ms at
 * 1,000,000 leads).
 *
 * 1. `leads_shared_stage_idx`: `GET /leads` reads the caller's own leads and the partner's
 *    *shared* leads as two ordered branches (Merge Append); the partner branch filtered by stage
 *    walks `(jurisdiction, stage, id)` of shared rows only, instead of skipping the partner's
 *    private rows (about two thirds) in `leads_stage_idx`.
 * 2. `leads_search_bigram_idx`: officers search Chinese names with two characters (华瑞, 电池).
 *    pg_trgm cannot serve `LIKE '%华瑞%'` (no complete trigram in the pattern), so a rare
 *    two-character term meant a full scan. `lc_bigrams` gives the lower-cased character pairs of
 *    `title || ' ' || investor_name`; the GIN index finds a pair, and its statistics tell the
 *    planner whether the pair is rare (bitmap scan) or common (id-ordered scan that stops early).
 *    An expression index, not a stored column: a stored array made the heap 55 % wider, which
 *    slowed every other lead query. The function is marked expensive so that a filter evaluates
 *    the cheap `strpos` first (see LeadRepository.list).
 */
export class Leads1764201700000 implements MigrationInterface {
  name = 'Leads1764201700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS leads_shared_stage_idx ON leads (jurisdiction, stage, id) WHERE sharing = 'shared'`,
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION lc_bigrams(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
        SELECT coalesce(array_agg(substr(s, i, 2)), '{}')
          FROM (SELECT lower(t) AS s) x, generate_series(1, char_length(s) - 1) AS i
      $$`);
    await q.query(
      `CREATE INDEX leads_search_bigram_idx ON leads USING gin (lc_bigrams(title || ' ' || investor_name))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS leads_search_bigram_idx`);
    await q.query(`DROP FUNCTION IF EXISTS lc_bigrams(text)`);
    await q.query(`DROP INDEX IF EXISTS leads_shared_stage_idx`);
  }
}
