import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Text search over leads for common words (Performance). A term found in thousands of
 * leads (半导体, 动力电池) made the trigram index answer with a bitmap over thousands of heap pages
 * before it could sort by id and keep 50. This index holds, in id order, everything the search
 * reads (visibility and the searched text), so LeadRepository walks it with an index-only scan and
 * stops after the page is full; rare terms still go through the trigram / bigram indexes.
 */
export class LeadSearchWalk1764202300000 implements MigrationInterface {
  name = 'LeadSearchWalk1764202300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX leads_search_walk_idx ON leads (id) INCLUDE (jurisdiction, sharing, confidential, title, investor_name)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX leads_search_walk_idx`);
  }
}
