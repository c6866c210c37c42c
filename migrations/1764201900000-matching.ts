import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matching (DESIGN §10).
 *
 * `match_candidates` is a narrow index of the enterprises table kept by trigger: one row per
 * (segment, role, chain leader, jurisdiction, enterprise) where role is `makes` (the enterprise's
 * segments) or `needs` (its declared demand). Its B-tree primary key lets the candidate query
 * read the first N enterprise ids of each list in id order without touching other rows; a
 * partner's score depends only on (best chain link, cross-city, chain leader), ties by id, so
 * those first N per list are provably enough for the top N (see candidate.repository.ts).
 * It also gives the cluster counts per (jurisdiction, segment) from an index scan.
 */
export class Matching1764201900000 implements MigrationInterface {
  name = 'Matching1764201900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE match_candidates (
        segment text NOT NULL,
        role text NOT NULL CHECK (role IN ('makes','needs')),
        chain_leader boolean NOT NULL,
        jurisdiction text NOT NULL,
        enterprise_id uuid NOT NULL,
        PRIMARY KEY (segment, role, chain_leader, jurisdiction, enterprise_id)
      )`);
    await q.query(`CREATE INDEX match_candidates_enterprise_idx ON match_candidates (enterprise_id)`);
    await q.query(`
      CREATE FUNCTION sync_match_candidates() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`
      INSERT INTO match_candidates (segment, role, chain_leader, jurisdiction, enterprise_id)
      SELECT DISTINCT s, 'makes', e.chain_leader, e.jurisdiction, e.id
        FROM enterprises e, unnest(e.segments) s WHERE e.deleted_at IS NULL
      UNION
      SELECT DISTINCT s, 'needs', e.chain_leader, e.jurisdiction, e.id
        FROM enterprises e, unnest(e.needs) s WHERE e.deleted_at IS NULL`);

    // A lead's matches are read and rewritten together; the pipeline pages by score.
    await q.query(`CREATE INDEX matches_lead_idx ON matches (lead_id, kind, rank)`);
    await q.query(
      `CREATE INDEX matches_enterprise_idx ON matches (enterprise_id) WHERE enterprise_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX matches_park_idx ON matches (park_id) WHERE park_id IS NOT NULL`);
    await q.query(`CREATE INDEX matches_score_idx ON matches (score DESC, id) WHERE status <> 'withdrawn'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS matches_score_idx`);
    await q.query(`DROP INDEX IF EXISTS matches_park_idx`);
    await q.query(`DROP INDEX IF EXISTS matches_enterprise_idx`);
    await q.query(`DROP INDEX IF EXISTS matches_lead_idx`);
    await q.query(`DROP TRIGGER IF EXISTS enterprises_match_candidates ON enterprises`);
    await q.query(`DROP FUNCTION IF EXISTS sync_match_candidates()`);
    await q.query(`DROP TABLE IF EXISTS match_candidates`);
  }
}
