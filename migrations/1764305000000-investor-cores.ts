import { MigrationInterface, QueryRunner } from 'typeorm';
import { normaliseInvestorName } from '../libs/collisions/investor-name';

const BATCH = 10_000;

/**
 * Collisions that recognise the same investor (DESIGN §7).
 *
 * 1. `leads.investor_norm` holds the name core (legal form, leading and bracketed region names
 *    removed: libs/collisions/investor-name.ts). Existing leads get theirs here, computed by the
 *    same function the writers use; the version is not bumped (nothing a reader sees changes).
 * 2. `leads_core_key_idx`: a core of four or more characters contained in a new lead's core is
 *    found by its first four characters (left(investor_norm, 4), looked up with the new core's
 *    four-character substrings), across both jurisdictions' active leads. Cores CONTAINING the
 *    new one are found through the trigram indexes of 1764202200000 (LIKE).
 * 3. `lead_duplicates`: two active leads of one jurisdiction for the same investor, shown to
 *    that jurisdiction's managers to merge (never to the partner, so not in the changes feed).
 *    `lead_ids` holds the older lead first; a pair is recorded once.
 */
export class InvestorCores1764305000000 implements MigrationInterface {
  name = 'InvestorCores1764305000000';

  async up(q: QueryRunner): Promise<void> {
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const rows: { id: string; investor_name: string; investor_norm: string }[] = await q.query(
        `SELECT id, investor_name, investor_norm FROM leads WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (!rows.length) break;
      after = rows[rows.length - 1].id;
      const changed = rows
        .map((r) => ({ id: r.id, core: normaliseInvestorName(r.investor_name), old: r.investor_norm }))
        .filter((r) => r.core !== r.old);
      if (changed.length) {
        await q.query(
          `UPDATE leads l SET investor_norm = v.core
             FROM unnest($1::uuid[], $2::text[]) AS v(id, core) WHERE l.id = v.id`,
          [changed.map((r) => r.id), changed.map((r) => r.core)],
        );
      }
    }
    await q.query(`CREATE INDEX leads_core_key_idx ON leads (left(investor_norm, 4)) WHERE stage <> 'lost'`);
    await q.query(`
      CREATE TABLE lead_duplicates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        lead_ids uuid[] NOT NULL CHECK (cardinality(lead_ids) = 2),
        basis text NOT NULL CHECK (basis IN ('uscc','name')),
        similarity double precision NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','merged','dismissed')),
        resolved_by uuid REFERENCES users(id),
        resolved_at timestamptz,
        note text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX lead_duplicates_pair_key ON lead_duplicates ((lead_ids[1]), (lead_ids[2]))`,
    );
    await q.query(`CREATE INDEX lead_duplicates_lead_ids_idx ON lead_duplicates USING gin (lead_ids)`);
    await q.query(
      `CREATE INDEX lead_duplicates_list_idx ON lead_duplicates (jurisdiction, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS lead_duplicates`);
    await q.query(`DROP INDEX IF EXISTS leads_core_key_idx`);
    // The cores stay: they are a normal form of the name like the one before, and every writer
    // of the previous version recomputes the column when a name changes.
  }
}
