import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chain edges carry a strength and a reason (DESIGN §8), and the candidate index carries what a
 * partner's score now depends on besides its segment (DESIGN §10):
 *
 * - `size_band`: the enterprise's size class by revenue (0 below 2,000 万 — 规模以下, 1 below 10 亿,
 *   2 below 100 亿, 3 from 100 亿 — 百亿级), by head count when revenue is unknown (20, 1,000,
 *   10,000), 2 when neither is known. The same rule as `sizeBand()` in libs/matching/size-fit.ts
 *   (test/matching-index.e2e-spec.ts keeps them equal).
 * - `link_rank`: the order of the members of one (segment, role, jurisdiction, size band) list
 *   by score, the same for every lead: chain leaders (+5) before others and, for a declared need,
 *   core needs before supporting ones (a core need outweighs a chain leader):
 *   `candidate_rank(need_link_rank(…), chain_leader)`. `need_link_rank` is 0 when the enterprise
 *   makes a segment the needed segment supplies over a core edge, else 1 (needStrength() in
 *   libs/matching/chain.ts); `makes` rows count as 0.
 *
 * The rank and the band are in the primary key before the enterprise id, so each such list is
 * read in (rank, id) order: the order of the partners' scores within it for every lead, which
 * keeps the candidate bound exact.
 * `match_candidate_rows()` is the one SQL form of an enterprise's index rows (trigger, rebuilds).
 */
export class ChainEdgeStrength1764330000000 implements MigrationInterface {
  name = 'ChainEdgeStrength1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE chain_edges
        ADD COLUMN strength text NOT NULL DEFAULT 'core' CHECK (strength IN ('core', 'supporting')),
        ADD COLUMN reason text NOT NULL DEFAULT '',
        ADD COLUMN reason_en text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE chain_edges ALTER COLUMN strength DROP DEFAULT`);

    await q.query(`
      CREATE FUNCTION enterprise_size_band(revenue_wan numeric, employees int) RETURNS smallint
      LANGUAGE sql IMMUTABLE AS $$
        SELECT (CASE
          WHEN revenue_wan > 0 THEN
            CASE WHEN revenue_wan < 2000 THEN 0 WHEN revenue_wan < 100000 THEN 1
                 WHEN revenue_wan < 1000000 THEN 2 ELSE 3 END
          WHEN employees > 0 THEN
            CASE WHEN employees < 20 THEN 0 WHEN employees < 1000 THEN 1 WHEN employees < 10000 THEN 2 ELSE 3 END
          ELSE 2 END)::smallint
      $$`);
    await q.query(`
      CREATE FUNCTION need_link_rank(needed text, segments text[]) RETURNS smallint
      LANGUAGE sql STABLE AS $$
        SELECT (CASE WHEN EXISTS (
          SELECT 1 FROM chain_edges c
           WHERE c.from_segment = needed AND c.to_segment = ANY(segments) AND c.strength = 'core')
        THEN 0 ELSE 1 END)::smallint
      $$`);
    await q.query(`
      CREATE FUNCTION candidate_rank(need_rank smallint, leader boolean) RETURNS smallint
      LANGUAGE sql IMMUTABLE AS $$ SELECT (need_rank * 2 + CASE WHEN leader THEN 0 ELSE 1 END)::smallint $$`);
    await q.query(`
      CREATE FUNCTION match_candidate_rows(
        p_id uuid, p_segments text[], p_needs text[], p_leader boolean, p_jurisdiction text,
        p_revenue_wan numeric, p_employees int)
      RETURNS TABLE (segment text, role text, chain_leader boolean, jurisdiction text, size_band smallint,
                     link_rank smallint, enterprise_id uuid)
      LANGUAGE sql STABLE AS $$
        SELECT s, 'makes', p_leader, p_jurisdiction, enterprise_size_band(p_revenue_wan, p_employees),
               candidate_rank(0::smallint, p_leader), p_id
          FROM unnest(p_segments) s
        UNION
        SELECT n, 'needs', p_leader, p_jurisdiction, enterprise_size_band(p_revenue_wan, p_employees),
               candidate_rank(need_link_rank(n, p_segments), p_leader), p_id
          FROM unnest(p_needs) n
      $$`);

    await q.query(`
      ALTER TABLE match_candidates
        ADD COLUMN size_band smallint NOT NULL DEFAULT 2,
        ADD COLUMN link_rank smallint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE match_candidates DROP CONSTRAINT match_candidates_pkey`);
    await q.query(`TRUNCATE match_candidates`);
    await q.query(`
      INSERT INTO match_candidates (segment, role, chain_leader, jurisdiction, size_band, link_rank, enterprise_id)
      SELECT r.* FROM enterprises e
       CROSS JOIN LATERAL match_candidate_rows(e.id, e.segments, e.needs, e.chain_leader, e.jurisdiction,
                                              e.revenue_wan, e.employees) r
       WHERE e.deleted_at IS NULL`);
    await q.query(`
      ALTER TABLE match_candidates ADD CONSTRAINT match_candidates_pkey
        PRIMARY KEY (segment, role, jurisdiction, size_band, link_rank, enterprise_id)`);

    await q.query(`
      CREATE OR REPLACE FUNCTION sync_match_candidates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          DELETE FROM match_candidates WHERE enterprise_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
          INSERT INTO match_candidates (segment, role, chain_leader, jurisdiction, size_band, link_rank, enterprise_id)
          SELECT * FROM match_candidate_rows(NEW.id, NEW.segments, NEW.needs, NEW.chain_leader, NEW.jurisdiction,
                                             NEW.revenue_wan, NEW.employees);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER enterprises_match_candidates ON enterprises`);
    await q.query(`
      CREATE TRIGGER enterprises_match_candidates
      AFTER INSERT OR DELETE OR UPDATE OF segments, needs, chain_leader, jurisdiction, deleted_at, revenue_wan, employees
      ON enterprises FOR EACH ROW EXECUTE FUNCTION sync_match_candidates()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER enterprises_match_candidates ON enterprises`);
    await q.query(`
      CREATE OR REPLACE FUNCTION sync_match_candidates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          DELETE FROM match_candidates WHERE enterprise_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
          INSERT INTO match_candidates (segment, role, chain_leader, jurisdiction, enterprise_id)
          SELECT DISTINCT s, 'makes', NEW.chain_leader, NEW.jurisdiction, NEW.id FROM unnest(NEW.segments) s
          UNION
          SELECT DISTINCT s, 'needs', NEW.chain_leader, NEW.jurisdiction, NEW.id FROM unnest(NEW.needs) s;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER enterprises_match_candidates
      AFTER INSERT OR DELETE OR UPDATE OF segments, needs, chain_leader, jurisdiction, deleted_at ON enterprises
      FOR EACH ROW EXECUTE FUNCTION sync_match_candidates()`);
    await q.query(`ALTER TABLE match_candidates DROP CONSTRAINT match_candidates_pkey`);
    await q.query(`TRUNCATE match_candidates`);
    await q.query(`ALTER TABLE match_candidates DROP COLUMN size_band, DROP COLUMN link_rank`);
    await q.query(`
      INSERT INTO match_candidates (segment, role, chain_leader, jurisdiction, enterprise_id)
      SELECT DISTINCT s, 'makes', e.chain_leader, e.jurisdiction, e.id
        FROM enterprises e, unnest(e.segments) s WHERE e.deleted_at IS NULL
      UNION
      SELECT DISTINCT s, 'needs', e.chain_leader, e.jurisdiction, e.id
        FROM enterprises e, unnest(e.needs) s WHERE e.deleted_at IS NULL`);
    await q.query(`
      ALTER TABLE match_candidates ADD CONSTRAINT match_candidates_pkey
        PRIMARY KEY (segment, role, chain_leader, jurisdiction, enterprise_id)`);
    await q.query(`DROP FUNCTION match_candidate_rows(uuid, text[], text[], boolean, text, numeric, int)`);
    await q.query(`DROP FUNCTION candidate_rank(smallint, boolean)`);
    await q.query(`DROP FUNCTION need_link_rank(text, text[])`);
    await q.query(`DROP FUNCTION enterprise_size_band(numeric, int)`);
    await q.query(`ALTER TABLE chain_edges DROP COLUMN strength, DROP COLUMN reason, DROP COLUMN reason_en`);
  }
}
