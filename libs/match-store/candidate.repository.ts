import { sqlRows } from '../db/sql';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CandidateLists, candidateLists, directLists } from '../matching/chain';
import {
  CandidateGroup,
  ClusterCounts,
  EnterpriseCandidate,
  LeadInput,
  ParkCandidate,
  boundCandidates,
  clusterKey,
  perListLimit,
} from '../matching/engine';
import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import type { SizeBand } from '../matching/size-fit';

/** Cluster counts change slowly and only shift park scores a little: refreshed at most this often. */
const CLUSTER_TTL_MS = 30_000;
const PARKS_TTL_MS = 10_000;

export const listKey = (role: 'makes' | 'needs', segment: string) => `${role}|${segment}`;
/** Size bands of the candidate index (libs/matching/size-fit.ts). */
const SIZE_BANDS: readonly SizeBand[] = [0, 1, 2, 3];

/**
 * Reads the engine's inputs without scanning the enterprises table (DESIGN §10).
 *
 * Candidates: the lead's chain neighbourhood (segments one or two edges up or down the chain, and
 * its own segments for declared needs) is computed from the graph in memory; then, per wanted
 * (segment, role) and per (jurisdiction, size band), the first `perList` enterprise ids in
 * (rank, id) order come from the `match_candidates` B-tree (one short index range each; a LATERAL
 * LIMIT). The bound is exact, not a heuristic: within one such list the rank orders members by
 * score for every lead (chain leaders first; core needs before supporting ones) and ties break by
 * id, so an enterprise beyond the first `perList` of every list it belongs to has `perList` others
 * ranked above it (property-tested in engine.spec.ts, checked against scoring everything in
 * test/matching-index.e2e-spec.ts and the bench). With `perList` = perListLimit(rejected targets),
 * a few hundred index entries are read per lead whatever the table size, and only the few
 * enterprises that survive boundCandidates are read from the table.
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
  ): Promise<Map<string, CandidateGroup[]>> {
    const out = new Map<string, CandidateGroup[]>();
    if (!makes.length && !needs.length) return out;
    const segments = [...makes, ...needs];
    const roles = [...makes.map(() => 'makes'), ...needs.map(() => 'needs')];
    // One row per (list, jurisdiction, size band) with its ids joined by ',' and their ranks as
    // digits (a few hundred short rows instead of thousands: row parsing was most of this query's
    // client-side cost). The rank says chain leader or not and, for a need, its strength.
    const rows: {
      segment: string;
      role: 'makes' | 'needs';
      code: string;
      band: SizeBand;
      ids: string;
      ranks: string;
    }[] = await sqlRows(
      em,
      `SELECT w.segment, w.role, j.code, b.band, c.ids, c.ranks
         FROM unnest($1::text[], $2::text[]) AS w(segment, role)
        CROSS JOIN unnest($3::text[]) AS j(code)
        CROSS JOIN unnest($5::smallint[]) AS b(band)
        CROSS JOIN LATERAL (
              SELECT string_agg(f.enterprise_id::text, ',' ORDER BY f.link_rank, f.enterprise_id) AS ids,
                     string_agg(f.link_rank::text, '' ORDER BY f.link_rank, f.enterprise_id) AS ranks
                FROM (SELECT c.enterprise_id, c.link_rank FROM match_candidates c
                       WHERE c.segment = w.segment AND c.role = w.role AND c.jurisdiction = j.code
                         AND c.size_band = b.band
                       ORDER BY c.link_rank, c.enterprise_id LIMIT $4) AS f) AS c
        WHERE c.ids IS NOT NULL`,
      [segments, roles, await this.jurisdictions(), perList, SIZE_BANDS],
    );
    for (const r of rows) {
      const key = listKey(r.role, r.segment);
      const groups = out.get(key) ?? out.set(key, []).get(key)!;
      const ids = r.ids.split(',');
      // One group per rank (see migration 1764330000000): 0 core need (or made) by a chain
      // leader, 1 by others, 2 and 3 the same for supporting needs.
      for (let from = 0; from < ids.length;) {
        const rank = r.ranks.charCodeAt(from) - 48;
        let to = from + 1;
        while (to < ids.length && r.ranks.charCodeAt(to) - 48 === rank) to++;
        groups.push({
          jurisdiction: r.code,
          chainLeader: rank % 2 === 0,
          sizeBand: Number(r.band) as SizeBand,
          ...(r.role === 'needs'
            ? { needStrength: rank < 2 ? ('core' as const) : ('supporting' as const) }
            : {}),
          ids: ids.slice(from, to),
        });
        from = to;
      }
    }
    return out;
  }

  /**
   * The candidates of each lead that can reach its proposals (boundCandidates), ids only: the
   * lists of direct links and declared needs first, for the whole batch in one query; the two-hop
   * lists only for the leads whose direct ones leave room, in a second.
   */
  async bounded(
    em: EntityManager,
    graph: TaxonomyGraph,
    requests: readonly { lead: LeadInput; rejected: readonly string[] }[],
  ): Promise<Map<string, string[]>> {
    const perList = perListLimit(Math.max(0, ...requests.map((r) => r.rejected.length)));
    const pool = new Map<string, CandidateGroup[]>();
    const read = async (wanted: readonly CandidateLists[]) => {
      const makes = new Set<string>();
      const needs = new Set<string>();
      for (const w of wanted) {
        for (const s of w.makes) if (!pool.has(listKey('makes', s))) makes.add(s);
        for (const s of w.needs) if (!pool.has(listKey('needs', s))) needs.add(s);
      }
      const got = await this.lists(em, [...makes], [...needs], perList);
      for (const s of makes) pool.set(listKey('makes', s), got.get(listKey('makes', s)) ?? []);
      for (const s of needs) pool.set(listKey('needs', s), got.get(listKey('needs', s)) ?? []);
    };
    const bound = (r: (typeof requests)[number]) =>
      boundCandidates(
        graph,
        r.lead,
        (role, segment) => pool.get(listKey(role, segment)),
        new Set(r.rejected),
      );
    await read(requests.map((r) => directLists(graph, r.lead.segments)));
    const out = new Map<string, string[]>();
    const more: (typeof requests)[number][] = [];
    for (const r of requests) {
      const ids = bound(r);
      if (ids) out.set(r.lead.id, ids);
      else more.push(r);
    }
    if (more.length) {
      await read(more.map((r) => candidateLists(graph, r.lead.segments)));
      for (const r of more) out.set(r.lead.id, bound(r)!);
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
    }[] = await sqlRows(
      em,
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

  /** Enterprises per (jurisdiction, segment made), counted once and cached. */
  async clusterCounts(): Promise<ClusterCounts> {
    if (this.cluster && Date.now() - this.cluster.at < CLUSTER_TTL_MS) return this.cluster.counts;
    const counts = sqlRows<{ jurisdiction: string; segment: string; n: number }>(
      this.ds,
      `SELECT jurisdiction, segment, count(*)::int AS n FROM match_candidates
          WHERE role = 'makes' GROUP BY jurisdiction, segment`,
    ).then(
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
    const parks = sqlRows(
      this.ds,
      `SELECT id, name, jurisdictions, co_built, target_segments, available_land_mu FROM parks ORDER BY id`,
    ).then((rows: Record<string, any>[]) =>
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
      const codes = sqlRows<{ code: string }>(this.ds, `SELECT code FROM jurisdictions ORDER BY code`).then(
        (rows) => rows.map((r) => r.code),
      );
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
