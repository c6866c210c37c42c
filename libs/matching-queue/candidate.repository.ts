import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  CandidateStub,
  ClusterCounts,
  EnterpriseCandidate,
  ParkCandidate,
  clusterKey,
} from '../matching/engine';
import type { SizeBand } from '../matching/size-fit';

/** Cluster counts change slowly and only shift park scores a little: refreshed at most this often. */
const CLUSTER_TTL_MS = 30_000;
const PARKS_TTL_MS = 10_000;

export const listKey = (role: 'makes' | 'needs', segment: string) => `${role}|${segment}`;
/** Size bands of the candidate index (libs/matching/size-fit.ts). */
const SIZE_BANDS: readonly SizeBand[] = [0, 1, 2, 3];

/**
 * Reads the engine's inputs without scanning the enterprises table (issue 4 §2).
 *
 * Candidates: the lead's chain neighbourhood (segments one or two edges up or down the chain, and
 * its own segments for declared needs) is computed from the graph in memory; then, per wanted
 * (segment, role) and per (chain leader, jurisdiction, size band), the first `perList` enterprise
 * ids in (need rank, id) order come from the `match_candidates` B-tree (one short index range
 * each; a LATERAL LIMIT). The bound is exact, not a heuristic: within one such list every member
 * scores what the list's link is worth with the same bonuses, core needs before supporting ones,
 * and ties break by id, so an enterprise beyond the first `perList` of every list it belongs to
 * has `perList` others ranked above it (property-tested in engine.spec.ts, compared with scoring
 * everything in the bench). With `perList` = perListLimit(rejected targets), a few hundred index
 * entries are read per lead whatever the table size, and only the few enterprises that survive
 * boundCandidates (the whole tiers that can reach the proposals) are read from the table.
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
   * only what boundCandidates needs. Fetch the rows of the few that survive the bound with
   * enterprises().
   */
  async lists(
    em: EntityManager,
    makes: readonly string[],
    needs: readonly string[],
    perList: number,
  ): Promise<Map<string, CandidateStub[]>> {
    const out = new Map<string, CandidateStub[]>();
    if (!makes.length && !needs.length) return out;
    const segments = [...makes, ...needs];
    const roles = [...makes.map(() => 'makes'), ...needs.map(() => 'needs')];
    // One row per (list, chain leader, jurisdiction, size band) with its ids joined by ',' and
    // their need ranks as digits: a few hundred short rows instead of thousands (row parsing was
    // most of this query's client-side cost). The aggregates need no order: the bound takes
    // whole tiers, and both read the same rows in the same order.
    const rows: {
      segment: string;
      role: 'makes' | 'needs';
      leader: boolean;
      code: string;
      band: SizeBand;
      ids: string;
      ranks: string;
    }[] = await em.query(
      `SELECT w.segment, w.role, l.leader, j.code, b.band, c.ids, c.ranks
         FROM unnest($1::text[], $2::text[]) AS w(segment, role)
        CROSS JOIN (VALUES (true), (false)) AS l(leader)
        CROSS JOIN unnest($3::text[]) AS j(code)
        CROSS JOIN unnest($5::smallint[]) AS b(band)
        CROSS JOIN LATERAL (
              SELECT string_agg(f.enterprise_id::text, ',') AS ids, string_agg(f.link_rank::text, '') AS ranks
                FROM (SELECT c.enterprise_id, c.link_rank FROM match_candidates c
                       WHERE c.segment = w.segment AND c.role = w.role AND c.chain_leader = l.leader
                         AND c.jurisdiction = j.code AND c.size_band = b.band
                       ORDER BY c.link_rank, c.enterprise_id LIMIT $4) AS f) AS c
        WHERE c.ids IS NOT NULL`,
      [segments, roles, await this.jurisdictions(), perList, SIZE_BANDS],
    );
    for (const r of rows) {
      const key = listKey(r.role, r.segment);
      const list = out.get(key) ?? out.set(key, []).get(key)!;
      const ids = r.ids.split(',');
      for (let i = 0; i < ids.length; i++) {
        list.push({
          id: ids[i],
          jurisdiction: r.code,
          chainLeader: r.leader,
          sizeBand: Number(r.band) as SizeBand,
          ...(r.role === 'needs' ? { needStrength: r.ranks[i] === '0' ? 'core' : 'supporting' } : {}),
        });
      }
    }
    return out;
  }

  /** Full rows of the given enterprises (deleted ones left out). */
  async enterprises(em: EntityManager, ids: readonly string[]): Promise<Map<string, EnterpriseCandidate>> {
    if (!ids.length) return new Map();
    const rows: {
      id: string;
      name: string;
      jurisdiction: string;
      segments: string[];
      needs: string[];
      chain_leader: boolean;
      revenue_wan: string | null;
      employees: number | null;
    }[] = await em.query(
      `SELECT id, name, jurisdiction, segments, needs, chain_leader, revenue_wan, employees FROM enterprises
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
          revenueWan: r.revenue_wan === null ? null : Number(r.revenue_wan),
          employees: r.employees,
        },
      ]),
    );
  }

  /** Enterprises per (jurisdiction, segment made), counted once and cached (issue 4 §2). */
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
