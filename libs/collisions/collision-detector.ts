import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JURISDICTIONS, Jurisdiction } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { EventsService } from '../events/events.service';
import type { LeadRow } from '../leads/lead-view';
import { LeadCollision, LeadCollisions } from '../leads/lead-writer';
import {
  NAME_SIMILARITY_THRESHOLD,
  containedCoreKeySql,
  containedCoreKeys,
  containingPattern,
  coresCollideSql,
} from '../leads/investor-name';
import { LOCKS } from '../jobs/jobs';

const MAX_CANDIDATES = 20;

interface FoundPair {
  kind: 'collision' | 'duplicate';
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
 * 1,000 leads costs the same round trips as one POST). For each active subject, the active leads
 * of EVERY jurisdiction (other cities: collisions; its own: duplicates) naming the same investor
 * (DESIGN §7): the same USCC, or cores that collide (coresCollideSql, the rule of
 * investor-name.ts), at most MAX_CANDIDATES, USCC matches first, then the most similar. Each pair
 * is ordered older lead first (equal timestamps: smaller id first) and inserted unless known.
 *
 * Candidates come from indexes only, one lookup per kind of match:
 * - similar cores: `%` on the partial trigram index of each jurisdiction (named as a literal, so
 *   that each branch uses leads_collision_trgm_<code>, migration 1764202200000);
 * - cores that contain the subject's: LIKE on the same indexes ($3: pattern, null when the core
 *   is too short or generic to count as contained);
 * - cores contained in the subject's: their first four characters equal one of the subject's
 *   four-character substrings ($4, leads_core_key_idx of migration 1764305000000);
 * - the same USCC (leads_investor_uscc_idx).
 */
function detectSql(targets: readonly Jurisdiction[]): string {
  const trigramBranches = targets.map((j) => {
    if (!/^[a-z_]+$/.test(j)) throw new Error(`unexpected jurisdiction code ${j}`);
    const base = `FROM leads l WHERE l.jurisdiction = '${j}' AND l.stage <> 'lost' AND l.id <> s.id`;
    return `SELECT l.id, l.jurisdiction, l.created_at, l.investor_norm, l.investor_uscc ${base} AND l.investor_norm % s.core
           UNION ALL
           SELECT l.id, l.jurisdiction, l.created_at, l.investor_norm, l.investor_uscc ${base} AND l.investor_norm LIKE s.pattern`;
  });
  return `
  WITH input AS MATERIALIZED (
    SELECT * FROM unnest($1::uuid[], $3::text[], $4::text[]) AS i(id, pattern, keys)
  ),
  src AS MATERIALIZED (
    SELECT l.id, l.jurisdiction, l.investor_norm AS core, l.investor_uscc AS uscc, l.created_at,
           i.pattern, string_to_array(i.keys, ' ') AS keys
      FROM input i
     CROSS JOIN LATERAL (SELECT * FROM leads l WHERE l.id = i.id OFFSET 0) l -- by primary key, whatever the statistics say
     WHERE l.jurisdiction = $2 AND l.stage <> 'lost'
  ),
  cand AS (
    SELECT s.id AS lead_id, s.jurisdiction AS lead_j, s.created_at AS lead_created, c.*
      FROM src s
     CROSS JOIN LATERAL (
       SELECT u.id, u.jurisdiction, u.created_at,
              similarity(u.investor_norm, s.core) AS sim, bool_or(u.investor_uscc = s.uscc) AS same_uscc
         FROM (
           ${trigramBranches.join('\n           UNION ALL\n           ')}
           UNION ALL
           SELECT l.id, l.jurisdiction, l.created_at, l.investor_norm, l.investor_uscc FROM leads l
            WHERE ${containedCoreKeySql('l.investor_norm')} = ANY(s.keys) AND l.stage <> 'lost' AND l.id <> s.id
              AND l.jurisdiction = ANY($5::text[])
           UNION ALL
           SELECT l.id, l.jurisdiction, l.created_at, l.investor_norm, l.investor_uscc FROM leads l
            WHERE s.uscc IS NOT NULL AND l.investor_uscc = s.uscc AND l.stage <> 'lost' AND l.id <> s.id
              AND l.jurisdiction = ANY($5::text[])
         ) u
        WHERE u.investor_uscc = s.uscc OR ${coresCollideSql('u.investor_norm', 's.core')}
        GROUP BY u.id, u.jurisdiction, u.created_at, u.investor_norm
        ORDER BY bool_or(u.investor_uscc = s.uscc) DESC NULLS LAST, similarity(u.investor_norm, s.core) DESC, u.id
        LIMIT ${MAX_CANDIDATES}
     ) c
  ),
  pairs AS (
    SELECT *, (lead_created < created_at OR (lead_created = created_at AND lead_id < id)) AS lead_first,
           CASE WHEN same_uscc THEN 'uscc' ELSE 'name' END AS basis,
           CASE WHEN same_uscc THEN 1 ELSE round(sim::numeric, 3)::float8 END AS score
      FROM cand
  ),
  new_collisions AS (
    INSERT INTO collisions (lead_ids, jurisdictions, basis, similarity, first_reported_by)
    SELECT CASE WHEN lead_first THEN ARRAY[lead_id, id] ELSE ARRAY[id, lead_id] END,
           CASE WHEN lead_j < jurisdiction THEN ARRAY[lead_j, jurisdiction] ELSE ARRAY[jurisdiction, lead_j] END,
           basis, score, CASE WHEN lead_first THEN lead_j ELSE jurisdiction END
      FROM pairs WHERE jurisdiction <> lead_j
    ON CONFLICT ((lead_ids[1]), (lead_ids[2])) DO NOTHING
    RETURNING id, version, lead_ids, jurisdictions, basis, similarity, first_reported_by),
  new_duplicates AS (
    INSERT INTO lead_duplicates (jurisdiction, lead_ids, basis, similarity)
    -- Both leads of a pair in one batch find each other: one row (DISTINCT ON the ordered pair).
    SELECT DISTINCT ON (1, 2) lead_j, CASE WHEN lead_first THEN ARRAY[lead_id, id] ELSE ARRAY[id, lead_id] END,
           basis, score
      FROM pairs WHERE jurisdiction = lead_j
     ORDER BY 1, 2
    ON CONFLICT ((lead_ids[1]), (lead_ids[2])) DO NOTHING
    RETURNING id, version, lead_ids, ARRAY[jurisdiction] AS jurisdictions, basis, similarity,
              jurisdiction AS first_reported_by)
  SELECT 'collision' AS kind, * FROM new_collisions
  UNION ALL
  SELECT 'duplicate' AS kind, * FROM new_duplicates`;
}

/**
 * First report per investor (DESIGN §7, 首报首谈). The open collisions that concern the given leads
 * (directly, or through a duplicate of theirs) record the jurisdiction of the earliest-created
 * active lead of their investor, whichever pair of leads collided: the collision's two leads and
 * every lead linked to either of them by a collision or duplicate not dismissed as different
 * investors. One step of links, so the work stays bounded however many leads a name resembles.
 * Returns the collisions whose value changed.
 */
const FIRST_REPORT_SQL = `
  WITH touched AS (SELECT unnest($1::uuid[]) AS id),
  near AS (
    SELECT id FROM touched
    UNION
    SELECT x.id FROM touched t
      JOIN lead_duplicates d ON d.lead_ids @> ARRAY[t.id] AND d.status <> 'dismissed'
     CROSS JOIN LATERAL unnest(d.lead_ids) AS x(id)
  ),
  target AS (
    SELECT DISTINCT c.id, c.lead_ids FROM near n
      JOIN collisions c ON c.lead_ids @> ARRAY[n.id] AND c.status = 'open'
  ),
  investor AS (
    SELECT t.id AS collision_id, x.id AS lead_id FROM target t CROSS JOIN LATERAL unnest(t.lead_ids) AS x(id)
    UNION
    SELECT t.id, y.id
      FROM target t
     CROSS JOIN LATERAL unnest(t.lead_ids) AS x(id)
     CROSS JOIN LATERAL (
       SELECT c.lead_ids FROM collisions c WHERE c.lead_ids @> ARRAY[x.id] AND c.status <> 'dismissed'
       UNION ALL
       SELECT d.lead_ids FROM lead_duplicates d WHERE d.lead_ids @> ARRAY[x.id] AND d.status <> 'dismissed'
     ) k
     CROSS JOIN LATERAL unnest(k.lead_ids) AS y(id)
  ),
  first AS (
    SELECT DISTINCT ON (i.collision_id) i.collision_id, l.jurisdiction
      FROM investor i JOIN leads l ON l.id = i.lead_id AND l.stage <> 'lost'
     ORDER BY i.collision_id, l.created_at, l.id
  )
  UPDATE collisions c SET first_reported_by = f.jurisdiction, version = c.version + 1, updated_at = now()
    FROM first f
   WHERE c.id = f.collision_id AND c.first_reported_by <> f.jurisdiction
  RETURNING c.id, c.version, c.first_reported_by, c.jurisdictions`;

/**
 * Where a detection looks: every jurisdiction (a single lead: POST, PATCH), only the other ones
 * (a bulk push: its collisions answer the request), or only the lead's own (the duplicates of a
 * bulk push, found afterwards by the `detect-duplicates` job: a similarity search among the
 * city's own leads costs more than the rest of a pushed lead, DESIGN §12).
 */
export type DetectionScope = 'all' | 'partners' | 'own';

const statements = new Map<string, string>();
function detectStatement(
  jurisdiction: Jurisdiction,
  scope: DetectionScope,
): { sql: string; targets: Jurisdiction[] } {
  const targets = JURISDICTIONS.filter((j) => scope === 'all' || (scope === 'own') === (j === jurisdiction));
  const key = `${scope}:${jurisdiction}`;
  let sql = statements.get(key);
  if (!sql) statements.set(key, (sql = detectSql(targets)));
  return { sql, targets };
}

/**
 * Finds active leads naming the same investor as the given leads (DESIGN §7): a collision for
 * each new pair with another jurisdiction (with a `collision.detected` event), a duplicate for
 * each new pair within the jurisdiction. Runs inside the writer's transaction, AFTER the leads
 * were written; never fails the write.
 */
export type { LeadCollision };

@Injectable()
export class CollisionDetector implements LeadCollisions {
  constructor(private readonly events: EventsService) {}

  /** One lead (POST /leads, PATCH of the investor). */
  async detect(
    em: EntityManager,
    lead: Pick<LeadRow, 'id' | 'jurisdiction' | 'stage' | 'investor_norm'>,
  ): Promise<LeadCollision[]> {
    if (lead.stage === 'lost') return [];
    return (await this.detectMany(em, lead.jurisdiction as Jurisdiction, [lead])).get(lead.id) ?? [];
  }

  /** The `detect-duplicates` job: the duplicates among a bulk push's leads and their city's. */
  async detectDuplicatesJob(
    em: EntityManager,
    jurisdiction: Jurisdiction,
    leadIds: string[],
  ): Promise<{ checked: number }> {
    // The leads as they are now: a later push may have changed an investor or lost a lead.
    const leads = await sqlRows<Pick<LeadRow, 'id' | 'investor_norm'>>(
      em,
      `SELECT id, investor_norm FROM leads WHERE id = ANY($1::uuid[]) AND jurisdiction = $2 AND stage <> 'lost'`,
      [leadIds, jurisdiction],
    );
    await this.detectMany(em, jurisdiction, leads, 'own');
    return { checked: leads.length };
  }

  /**
   * Many leads of one jurisdiction at once (bulk upsert): a fixed number of statements whatever
   * their number. Returns the collisions (other jurisdictions) per lead id, with the first
   * report as it stands for the whole investor; leads without any are absent.
   */
  async detectMany(
    em: EntityManager,
    jurisdiction: Jurisdiction,
    leads: Pick<LeadRow, 'id' | 'investor_norm'>[],
    scope: DetectionScope = 'all',
  ): Promise<Map<string, LeadCollision[]>> {
    const out = new Map<string, LeadCollision[]>();
    if (!leads.length) return out;
    // A transaction-scoped lock: a concurrent create in the other city waits here until this one
    // commits, and then sees these leads (READ COMMITTED takes a new snapshot per statement).
    // The duplicates job runs after its leads committed: a concurrent push's job sees them, so
    // it needs no lock (and never holds up the pushes that take it).
    if (scope !== 'own') await sqlRows(em, `SELECT pg_advisory_xact_lock($1)`, [LOCKS.collisions]);
    // `%` uses the partial GIN indexes leads_collision_trgm_<code>; its threshold is this setting.
    // A batch's estimated cost can pass jit_above_cost; compiling costs far more than running it.
    await sqlRows(
      em,
      `SELECT set_config('pg_trgm.similarity_threshold', '${NAME_SIMILARITY_THRESHOLD}', true), set_config('jit', 'off', true)`,
    );
    const { sql, targets } = detectStatement(jurisdiction, scope);
    const found = await sqlRows<FoundPair>(em, sql, [
      leads.map((l) => l.id),
      jurisdiction,
      leads.map((l) => containingPattern(l.investor_norm)),
      leads.map((l) => containedCoreKeys(l.investor_norm).join(' ')),
      targets,
    ]);
    if (!found.length) return out;
    const collisions = found.filter((p) => p.kind === 'collision');
    // The first report is the investor's: the new pairs may have joined leads reported earlier.
    const changed = await sqlRows<{ id: string; version: number; first_reported_by: Jurisdiction }>(
      em,
      FIRST_REPORT_SQL,
      [[...new Set(found.flatMap((p) => p.lead_ids))]],
    );
    const current = new Map(changed.map((c) => [c.id, c]));
    const subjects = new Set(leads.map((l) => l.id));
    for (const c of collisions) {
      const now = current.get(c.id);
      if (now) {
        c.version = now.version;
        c.first_reported_by = now.first_reported_by;
      }
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
      collisions.map((c) => ({
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

  /**
   * Recomputes the first report of the investors of these leads (one of them became lost, was
   * merged away or came back): the earliest ACTIVE lead decides. In the caller's transaction.
   */
  async refreshFirstReport(em: EntityManager, leadIds: string[]): Promise<void> {
    if (leadIds.length) await sqlRows(em, FIRST_REPORT_SQL, [leadIds]);
  }

  /**
   * Stage changes of leads of one jurisdiction (DESIGN §6–7): a lead that becomes `lost` no longer
   * counts for its investor's first report; one reopened from `lost` is checked again like a new
   * lead. Other transitions change nothing here.
   */
  async afterStageChanges(
    em: EntityManager,
    jurisdiction: Jurisdiction,
    changes: { lead: Pick<LeadRow, 'id' | 'investor_norm'>; from: string; to: string }[],
  ): Promise<void> {
    const touched = changes.filter((c) => c.from === 'lost' || c.to === 'lost');
    if (!touched.length) return;
    const reopened = touched.filter((c) => c.from === 'lost').map((c) => c.lead);
    if (reopened.length) await this.detectMany(em, jurisdiction, reopened);
    await this.refreshFirstReport(
      em,
      touched.map((c) => c.lead.id),
    );
  }
}
