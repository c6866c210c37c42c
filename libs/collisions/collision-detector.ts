import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Jurisdiction } from '../common/request-context';
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

interface Candidate {
  id: string;
  jurisdiction: Jurisdiction;
  created_at: Date;
  sim: number;
  same_uscc: boolean | null;
}

/**
 * Finds active leads of the other jurisdiction naming the same investor as `lead` and opens a
 * collision for each new pair. Runs inside the writer's transaction; never fails the write.
 */
@Injectable()
export class CollisionDetector {
  constructor(private readonly events: EventsService) {}

  async detect(em: EntityManager, lead: LeadRow): Promise<LeadCollision[]> {
    if (lead.stage === 'lost') return [];
    // A transaction-scoped lock: a concurrent create in the other city waits here until this one
    // commits, and then sees this lead (READ COMMITTED takes a new snapshot per statement).
    await em.query(`SELECT pg_advisory_xact_lock($1)`, [COLLISION_LOCK]);
    // `%` uses the GIN index leads_investor_norm_trgm_idx; its threshold is this setting.
    await em.query(`SET LOCAL pg_trgm.similarity_threshold = ${NAME_SIMILARITY_THRESHOLD}`);
    const candidates = await sqlRows<Candidate>(
      em,
      `SELECT id, jurisdiction, created_at, similarity(investor_norm, $1) AS sim,
              (investor_uscc = $2) AS same_uscc
         FROM leads
        WHERE investor_norm % $1 AND similarity(investor_norm, $1) >= ${NAME_SIMILARITY_THRESHOLD}
          AND jurisdiction <> $3 AND stage <> 'lost'
       UNION
       SELECT id, jurisdiction, created_at, similarity(investor_norm, $1) AS sim, true AS same_uscc
         FROM leads
        WHERE investor_uscc = $2 AND jurisdiction <> $3 AND stage <> 'lost'
       ORDER BY same_uscc DESC NULLS LAST, sim DESC
       LIMIT ${MAX_CANDIDATES}`,
      [lead.investor_norm, lead.investor_uscc, lead.jurisdiction],
    );
    const seen = new Set<string>();
    const out: LeadCollision[] = [];
    for (const c of candidates) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const leadFirst =
        new Date(lead.created_at).getTime() < new Date(c.created_at).getTime() ||
        (new Date(lead.created_at).getTime() === new Date(c.created_at).getTime() && lead.id < c.id);
      const [older, newer] = leadFirst
        ? [
            { id: lead.id, j: lead.jurisdiction },
            { id: c.id, j: c.jurisdiction },
          ]
        : [
            { id: c.id, j: c.jurisdiction },
            { id: lead.id, j: lead.jurisdiction },
          ];
      const basis = c.same_uscc ? 'uscc' : 'name';
      const similarity = c.same_uscc ? 1 : Math.round(Number(c.sim) * 1000) / 1000;
      const inserted = await sqlRows<{ id: string; version: number }>(
        em,
        `INSERT INTO collisions (lead_ids, jurisdictions, basis, similarity, first_reported_by)
         VALUES (ARRAY[$1, $2]::uuid[], $3::text[], $4, $5, $6)
         ON CONFLICT ((lead_ids[1]), (lead_ids[2])) DO NOTHING
         RETURNING id, version`,
        [older.id, newer.id, [older.j, newer.j].sort(), basis, similarity, older.j],
      );
      if (!inserted.length) continue; // this pair is already known (open or resolved)
      const collision = inserted[0];
      await this.events.record(em, {
        type: 'collision.detected',
        entity: 'collision',
        entityId: collision.id,
        entityVersion: collision.version,
        jurisdiction: lead.jurisdiction,
        detail: { basis, firstReportedBy: older.j, jurisdictions: [older.j, newer.j].sort() },
      });
      out.push({
        id: collision.id,
        otherJurisdiction: c.jurisdiction,
        basis,
        similarity,
        firstReportedBy: older.j as Jurisdiction,
      });
    }
    return out;
  }
}
