import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JURISDICTIONS, Jurisdiction } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { EventsService } from '../events/events.service';
import type { LeadRow } from '../leads/lead-view';

/** pg_trgm similarity of normalised names from which two leads name the same investor (DESIGN §7). */
export const NAME_SIMILARITY_THRESHOLD = 0.6;
/** Serialises the check-and-insert of collisions, so two cities creating at once still collide. */
const COLLISION_LOCK = 727100;
const MAX_CANDIDATES = 20;

export interface LeadCollision {
  id: string;
  otherJurisdiction: Jurisdiction;
  basis: 'uscc' | 'name';
  similarity: number;
  firstReportedBy: Jurisdiction;
}

interface InsertedCollision {
  id: string;
  version: number;
  lead_ids: string[];
  jurisdictions: Jurisdiction[];
  basis: 'uscc' | 'name';
  similarity: number;
  first_reported_by: Jurisdiction;
}

/**
 * One statement for any number of subject leads of jurisdiction $2 (set-based: a bulk upsert of
 * 1,000 leads costs the same round trips as one POST): for each active subject, the active leads
 * of the other jurisdictions with the same USCC or a name similarity ≥ the threshold (at most
 * ${MAX_CANDIDATES}, USCC matches first, then the most similar), each pair ordered by the
 * first-report rule (older lead first; equal timestamps: smaller id first) and inserted unless
 * the pair is already known. Returns the collisions it opened.
 *
 * The name branch names each other jurisdiction as a literal, so that `%` uses that
 * jurisdiction's partial trigram index (leads_collision_trgm_<code>, migration 1764202200000):
 * the scan meets only the other side's active leads, never the thousands of similar names a
 * partner pushes for its own city.
 */
function detectSql(others: readonly Jurisdiction[]): string {
  const nameBranches = others.map((j) => {
    if (!/^[a-z_]+$/.test(j)) throw new Error(`unexpected jurisdiction code ${j}`);
    return `SELECT l.id, l.jurisdiction, l.created_at, similarity(l.investor_norm, s.norm) AS sim,
                  (l.investor_uscc = s.uscc) AS same_uscc
             FROM leads l
            WHERE l.jurisdiction = '${j}' AND l.stage <> 'lost'
              AND l.investor_norm % s.norm AND similarity(l.investor_norm, s.norm) >= ${NAME_SIMILARITY_THRESHOLD}`;
  });
  return DETECT_SQL.replace('/*NAME_BRANCHES*/', nameBranches.join('\n           UNION ALL\n           '));
}

const DETECT_SQL = `
  WITH src AS MATERIALIZED (
    SELECT l.id, l.jurisdiction, l.investor_norm AS norm, l.investor_uscc AS uscc, l.created_at
      FROM unnest($1::uuid[]) AS i(id)
     CROSS JOIN LATERAL (SELECT * FROM leads l WHERE l.id = i.id OFFSET 0) l -- by primary key, whatever the statistics say
     WHERE l.jurisdiction = $2 AND l.stage <> 'lost'
  ),
  cand AS (
    SELECT s.id AS lead_id, s.jurisdiction AS lead_j, s.created_at AS lead_created, c.*
      FROM src s
     CROSS JOIN LATERAL (
       SELECT u.id, u.jurisdiction, u.created_at, max(u.sim) AS sim, bool_or(u.same_uscc) AS same_uscc
         FROM (
           /*NAME_BRANCHES*/
           UNION ALL
           SELECT l.id, l.jurisdiction, l.created_at, similarity(l.investor_norm, s.norm), true
             FROM leads l
            WHERE s.uscc IS NOT NULL AND l.investor_uscc = s.uscc
              AND l.jurisdiction = ANY($3::text[]) AND l.stage <> 'lost'
         ) u
        GROUP BY u.id, u.jurisdiction, u.created_at
        ORDER BY bool_or(u.same_uscc) DESC NULLS LAST, max(u.sim) DESC
        LIMIT ${MAX_CANDIDATES}
     ) c
  ),
  pairs AS (
    SELECT *, (lead_created < created_at OR (lead_created = created_at AND lead_id < id)) AS lead_first
      FROM cand
  )
  INSERT INTO collisions (lead_ids, jurisdictions, basis, similarity, first_reported_by)
  SELECT CASE WHEN lead_first THEN ARRAY[lead_id, id] ELSE ARRAY[id, lead_id] END,
         CASE WHEN lead_j < jurisdiction THEN ARRAY[lead_j, jurisdiction] ELSE ARRAY[jurisdiction, lead_j] END,
         CASE WHEN same_uscc THEN 'uscc' ELSE 'name' END,
         CASE WHEN same_uscc THEN 1 ELSE round(sim::numeric, 3)::float8 END,
         CASE WHEN lead_first THEN lead_j ELSE jurisdiction END
    FROM pairs
  ON CONFLICT ((lead_ids[1]), (lead_ids[2])) DO NOTHING
  RETURNING id, version, lead_ids, jurisdictions, basis, similarity, first_reported_by`;

const SQL_BY_JURISDICTION = new Map<string, string>();

/**
 * Finds active leads of the other jurisdiction naming the same investor as the given leads and
 * opens a collision for each new pair (DESIGN §7), with a `collision.detected` event each. Runs
 * inside the writer's transaction, AFTER the leads were written; never fails the write.
 */
@Injectable()
export class CollisionDetector {
  constructor(private readonly events: EventsService) {}

  /** One lead (POST /leads, PATCH of the investor). */
  async detect(
    em: EntityManager,
    lead: Pick<LeadRow, 'id' | 'jurisdiction' | 'stage'>,
  ): Promise<LeadCollision[]> {
    if (lead.stage === 'lost') return [];
    return (await this.detectMany(em, lead.jurisdiction as Jurisdiction, [lead.id])).get(lead.id) ?? [];
  }

  /**
   * Many leads of one jurisdiction at once (bulk upsert): a fixed number of statements whatever
   * their number. Returns the collisions opened per lead id (leads without any are absent).
   */
  async detectMany(
    em: EntityManager,
    jurisdiction: Jurisdiction,
    leadIds: string[],
  ): Promise<Map<string, LeadCollision[]>> {
    const out = new Map<string, LeadCollision[]>();
    if (!leadIds.length) return out;
    // A transaction-scoped lock: a concurrent create in the other city waits here until this one
    // commits, and then sees these leads (READ COMMITTED takes a new snapshot per statement).
    await em.query(`SELECT pg_advisory_xact_lock($1)`, [COLLISION_LOCK]);
    // `%` uses the partial GIN indexes leads_collision_trgm_<code>; its threshold is this setting.
    await em.query(`SET LOCAL pg_trgm.similarity_threshold = ${NAME_SIMILARITY_THRESHOLD}`);
    // A batch's estimated cost can pass jit_above_cost; compiling costs far more than running it.
    await em.query(`SET LOCAL jit = off`);
    const others = JURISDICTIONS.filter((j) => j !== jurisdiction);
    let sql = SQL_BY_JURISDICTION.get(jurisdiction);
    if (!sql) SQL_BY_JURISDICTION.set(jurisdiction, (sql = detectSql(others)));
    const inserted = await sqlRows<InsertedCollision>(em, sql, [leadIds, jurisdiction, others]);
    if (!inserted.length) return out;
    const subjects = new Set(leadIds);
    for (const c of inserted) {
      const leadId = subjects.has(c.lead_ids[0]) ? c.lead_ids[0] : c.lead_ids[1];
      const collision: LeadCollision = {
        id: c.id,
        otherJurisdiction: c.jurisdictions.find((j) => j !== jurisdiction) ?? c.jurisdictions[0],
        basis: c.basis,
        similarity: Number(c.similarity),
        firstReportedBy: c.first_reported_by,
      };
      (out.get(leadId) ?? out.set(leadId, []).get(leadId)!).push(collision);
    }
    // The order of the single-lead detector: USCC matches first, then the most similar.
    for (const list of out.values()) {
      list.sort((a, b) => (a.basis === b.basis ? b.similarity - a.similarity : a.basis === 'uscc' ? -1 : 1));
    }
    await this.events.recordMany(
      em,
      inserted.map((c) => ({
        type: 'collision.detected' as const,
        entity: 'collision' as const,
        entityId: c.id,
        entityVersion: c.version,
        jurisdiction,
        detail: {
          basis: c.basis,
          firstReportedBy: c.first_reported_by,
          jurisdictions: [...c.jurisdictions].sort(),
        },
      })),
    );
    return out;
  }
}
