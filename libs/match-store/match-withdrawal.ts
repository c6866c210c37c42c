import type { EntityManager } from 'typeorm';
import { sqlRows } from '../db/sql';
import { LOCKS } from '../jobs/jobs';

/**
 * Withdraws every proposed or accepted match of a lead that left the pipeline for good (merged
 * into its duplicate, DESIGN §7): they no longer describe a lead anyone follows. Takes the lead's
 * match lock, as match jobs and decisions do, in the caller's transaction. Rejected matches keep
 * their decision. Returns the ids withdrawn.
 */
export async function withdrawLeadMatches(em: EntityManager, leadId: string): Promise<string[]> {
  await sqlRows(em, `SELECT pg_advisory_xact_lock(${LOCKS.match('$1')})`, [leadId]);
  const rows = await sqlRows<{ id: string }>(
    em,
    `UPDATE matches SET status = 'withdrawn', version = version + 1
      WHERE lead_id = $1 AND status IN ('proposed', 'accepted') RETURNING id`,
    [leadId],
  );
  return rows.map((r) => r.id);
}
