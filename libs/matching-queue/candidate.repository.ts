import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClusterCounts, EnterpriseCandidate, ParkCandidate, clusterKey } from '../matching/engine';

/** Cluster counts change slowly and only shift park scores a little: refreshed at most this often. */
const CLUSTER_TTL_MS = 30_000;
const PARKS_TTL_MS = 10_000;

export const listKey = (role: 'makes' | 'needs', segment: string) => `${role}|${segment}`;

interface CandidateRow {
  segment: string;
  role: 'makes' | 'needs';
  id: string;
  name: string;
  jurisdiction: string;
  segments: string[];
  needs: string[];
  chain_leader: boolean;
}

/**
 * Reads the engine's inputs without scanning the enterprises table (DESIGN §10).
 *
 * Candidates: the lead's chain neighbourhood (segments one or two edges up or down the chain, and
 * its own segments for declared needs) is computed from the graph in memory; then, per wanted
 * (segment, role) and per (chain leader, jurisdiction), the first `perList` enterprise ids in id
 * order come from the `match_candidates` B-tree (one short index range each; a LATERAL LIMIT).
 * The bound is exact, not a heuristic: every member of a list scores at least what the list's
 * link is worth with the same cross-city and chain-leader bonuses, and ties break by id, so an
 * enterprise beyond the first `perList` of every list it belongs to has `perList` others ranked
 * above it (property-tested in engine.spec.ts, compared with scoring everything in the bench).
 * With `perList` = 10 + rejected targets, at most (segments × 2 roles × 4) × perList index entries
 * are read per lead — a few hundred, whatever the table size — and only the few enterprises that
 * survive boundCandidates (the whole tiers that can reach the top 10) are read from the table.
 */
@Injectable()
export class CandidateRepository {
  // Promises, not values: concurrent batches after an invalidation share one read (the cluster
  // count aggregates the whole index, ~0.2 s; eight batches each running it cost more than they match).
  private cluster: { at: number; counts: Promise<ClusterCounts> } | null = null;
  private parkCache: { at: number; parks: Promise<ParkCandidate[]> } | null = null;
  private jurisdictionCodes: Promise<string[]> | null = null;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The members of each wanted list, keyed by listKey(role, segment), read from the index alone:
   * only id, jurisdiction and chain leader (what boundCandidates needs). Fetch the rows of the
   * few that survive the bound with enterprises().
   */
  async lists(
    em: EntityManager,
    makes: readonly string[],
    needs: readonly string[],
    perList: number,
  ): Promise<Map<string, EnterpriseCandidate[]>> {
    const out = new Map<string, EnterpriseCandidate[]>();
    if (!makes.length && !needs.length) return out;
    const segments = [...makes, ...needs];
    const roles = [...makes.map(() => 'makes'), ...needs.map(() => 'needs')];
    // One row per (list, chain leader, jurisdiction) with its ids joined by ',': a few hundred
    // short rows instead of thousands (row parsing was most of this query's client-side cost).
    const rows: { segment: string; role: 'makes' | 'needs'; leader: boolean; code: string; ids: string }[] =
      await em.query(
        `SELECT w.segment, w.role, l.leader, j.code, c.ids
           FROM unnest($1::text[], $2::text[]) AS w(segment, role)
          CROSS JOIN (VALUES (true), (false)) AS l(leader)
          CROSS JOIN unnest($3::text[]) AS j(code)
          CROSS JOIN LATERAL (
                SELECT string_agg(f.enterprise_id::text, ',' ORDER BY f.enterprise_id) AS ids
                  FROM (SELECT c.enterprise_id FROM match_candidates c
                         WHERE c.segment = w.segment AND c.role = w.role
                           AND c.chain_leader = l.leader AND c.jurisdiction = j.code
                         ORDER BY c.enterprise_id LIMIT $4) AS f) AS c
          WHERE c.ids IS NOT NULL`,
        [segments, roles, await this.jurisdictions(), perList],
      );
    const stubs = new Map<string, EnterpriseCandidate>();
    for (const r of rows) {
      const key = listKey(r.role, r.segment);
      const list = out.get(key) ?? out.set(key, []).get(key)!;
      for (const id of r.ids.split(',')) {
        let stub = stubs.get(id);
        if (!stub) {
          stub = { id, name: '', jurisdiction: r.code, segments: [], needs: [], chainLeader: r.leader };
          stubs.set(id, stub);
        }
        list.push(stub);
      }
    }
    return out;
  }

  /** Full rows of the given enterprises (deleted ones left out). */
  async enterprises(em: EntityManager, ids: readonly string[]): Promise<Map<string, EnterpriseCandidate>> {
    if (!ids.length) return new Map();
    const rows: Omit<CandidateRow, 'segment' | 'role'>[] = await em.query(
      `SELECT id, name, jurisdiction, segments, needs, chain_leader FROM enterprises
        WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          name: r.name,
          jurisdiction: r.jurisdiction,
          segments: r.segments,
          needs: r.needs,
          chainLeader: r.chain_leader,
        },
      ]),
    );
  }

  /** Enterprises per (jurisdiction, segment made), counted once and cached. */
  async clusterCounts(): Promise<ClusterCounts> {
    if (this.cluster && Date.now() - this.cluster.at < CLUSTER_TTL_MS) return this.cluster.counts;
    const counts = this.ds
      .query(
        `SELECT jurisdiction, segment, count(*)::int AS n FROM match_candidates
          WHERE role = 'makes' GROUP BY jurisdiction, segment`,
      )
      .then(
        (rows: { jurisdiction: string; segment: string; n: number }[]): ClusterCounts =>
          new Map(rows.map((r) => [clusterKey(r.jurisdiction, r.segment), r.n])),
      );
    const entry = { at: Date.now(), counts };
    this.cluster = entry;
    counts.catch(() => {
      if (this.cluster === entry) this.cluster = null; // a failed read is not cached
    });
    return counts;
  }

  async parks(): Promise<ParkCandidate[]> {
    if (this.parkCache && Date.now() - this.parkCache.at < PARKS_TTL_MS) return this.parkCache.parks;
    const parks = this.ds
      .query(
        `SELECT id, name, jurisdictions, co_built, target_segments, available_land_mu FROM parks ORDER BY id`,
      )
      .then((rows: Record<string, any>[]) =>
        rows.map((r): ParkCandidate => ({
          id: r.id,
          name: r.name,
          jurisdictions: r.jurisdictions,
          coBuilt: r.co_built,
          targetSegments: r.target_segments,
          availableLandMu: r.available_land_mu === null ? null : Number(r.available_land_mu),
        })),
      );
    const entry = { at: Date.now(), parks };
    this.parkCache = entry;
    parks.catch(() => {
      if (this.parkCache === entry) this.parkCache = null;
    });
    return parks;
  }

  async jurisdictions(): Promise<string[]> {
    if (!this.jurisdictionCodes) {
      const codes = this.ds
        .query(`SELECT code FROM jurisdictions ORDER BY code`)
        .then((rows: { code: string }[]) => rows.map((r) => r.code));
      this.jurisdictionCodes = codes;
      codes.catch(() => {
        if (this.jurisdictionCodes === codes) this.jurisdictionCodes = null;
      });
    }
    return this.jurisdictionCodes;
  }

  /** Base data changed in this process's view: the next match reads fresh counts and parks. */
  invalidate(entity: 'enterprise' | 'park'): void {
    if (entity === 'enterprise') this.cluster = null;
    else this.parkCache = null;
  }
}
