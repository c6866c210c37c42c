import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import { candidateLists, oneHop } from './chain';
import { Reason, ReasonWriter } from './reasons';

/**
 * The matching engine of DESIGN §10 as pure functions over plain data: no Nest, no database.
 * Deterministic: the same input (in any order) gives the same matches in the same order.
 *
 * Bump ALGORITHM_VERSION whenever weights or rules change: every stored match records it.
 */
export const ALGORITHM_VERSION = 'chain-2026.11.1';
export const MAX_PARTNERS = 10;
export const MAX_PARKS = 3;

/**
 * Partner weights. A partner's score depends ONLY on (best link, cross-city, chain leader), ties
 * by enterprise id. That makes the indexed candidate query exact (see candidate.repository.ts):
 * the first N enterprises of each (segment, role, chain leader, jurisdiction) list suffice.
 * DECLARED_NEED (0.8) outranks any plain adjacency, even a cross-city chain leader's
 * (0.5 + 0.15 + 0.1 = 0.75); a two-hop link counts half a direct one.
 */
export const PARTNER_WEIGHTS = {
  declaredNeed: 0.8,
  direct: 0.5,
  twoHop: 0.25,
  crossCity: 0.15,
  chainLeader: 0.1,
} as const;
const PARTNER_MAX = PARTNER_WEIGHTS.declaredNeed + PARTNER_WEIGHTS.crossCity + PARTNER_WEIGHTS.chainLeader;

/** Park weights: a target segment outranks a same-industry target; bonuses are bounded. */
export const PARK_WEIGHTS = {
  targetSegment: 0.4,
  targetIndustry: 0.2,
  chainFocus: 0.15,
  clusterStrength: 0.15,
  fillsChainGap: 0.1,
  coBuilt: 0.1,
  /** A park without enough land is ranked after every park that fits, and its score halved. */
  landShortFactor: 0.5,
} as const;
const PARK_MAX =
  PARK_WEIGHTS.targetSegment +
  PARK_WEIGHTS.chainFocus +
  PARK_WEIGHTS.clusterStrength +
  PARK_WEIGHTS.fillsChainGap +
  PARK_WEIGHTS.coBuilt;
/** Enterprise count at which cluster strength saturates (log scale below it). */
export const CLUSTER_SATURATION = 100;

export interface LeadInput {
  id: string;
  jurisdiction: string;
  segments: readonly string[];
  landNeedMu?: number | null;
}

export interface EnterpriseCandidate {
  id: string;
  name: string;
  jurisdiction: string;
  segments: readonly string[];
  needs: readonly string[];
  chainLeader: boolean;
}

export interface ParkCandidate {
  id: string;
  name: string;
  jurisdictions: readonly string[];
  coBuilt: boolean;
  targetSegments: readonly string[];
  availableLandMu: number | null;
}

/** Enterprises per (jurisdiction, segment) they make; key from clusterKey(). */
export type ClusterCounts = ReadonlyMap<string, number>;
export const clusterKey = (jurisdiction: string, segment: string) => `${jurisdiction}|${segment}`;

export interface MatchInput {
  graph: TaxonomyGraph;
  lead: LeadInput;
  enterprises: readonly EnterpriseCandidate[];
  parks: readonly ParkCandidate[];
  clusterCounts: ClusterCounts;
  /** Targets a manager rejected: never proposed again (DESIGN §10), so they leave room for others. */
  exclude?: { enterpriseIds?: Iterable<string>; parkIds?: Iterable<string> };
  /** Jurisdiction display names for reasons; defaults to Beibei and Mianyang. */
  jurisdictionNames?: Record<string, { zh: string; en: string }>;
}

export type Relation = 'upstream' | 'downstream';

export interface PartnerMatch {
  enterpriseId: string;
  relation: Relation;
  score: number;
  rank: number;
  reasons: Reason[];
}

export interface ParkMatch {
  parkId: string;
  score: number;
  rank: number;
  landShort: boolean;
  reasons: Reason[];
}

export interface MatchResult {
  algorithmVersion: string;
  partners: PartnerMatch[];
  parks: ParkMatch[];
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Link {
  kind: 'need' | 'direct' | 'twoHop';
  relation: Relation;
  weight: number;
  /** Ordering among equal weights: upstream before downstream. */
  order: number;
  /** Built only for the partners that make the list (most candidates are scored and dropped). */
  reason: () => Reason;
}

/** All chain links of one enterprise to the lead; empty for peers and unrelated enterprises. */
export function partnerLinks(
  graph: TaxonomyGraph,
  leadSegments: ReadonlySet<string>,
  e: EnterpriseCandidate,
  writer: ReasonWriter,
): Link[] {
  const links: Link[] = [];
  const needed = [...leadSegments].filter((l) => e.needs.includes(l)).sort();
  if (needed.length) {
    links.push({
      kind: 'need',
      relation: 'downstream',
      weight: PARTNER_WEIGHTS.declaredNeed,
      order: 0,
      reason: () => writer.declaredNeed(needed),
    });
  }
  // Only what the enterprise makes beyond the lead's own segments links it: sharing is peering.
  const own = [...new Set(e.segments)].filter((s) => !leadSegments.has(s)).sort();
  const up: [string, string][] = [];
  const down: [string, string][] = [];
  const twoUp: string[][] = [];
  const twoDown: string[][] = [];
  for (const s of own) {
    for (const x of graph.suppliesTo.get(s) ?? []) {
      if (leadSegments.has(x)) up.push([s, x]);
      else for (const l of graph.suppliesTo.get(x) ?? []) if (leadSegments.has(l)) twoUp.push([s, x, l]);
    }
    for (const x of graph.suppliedBy.get(s) ?? []) {
      if (leadSegments.has(x)) down.push([x, s]);
      else for (const l of graph.suppliedBy.get(x) ?? []) if (leadSegments.has(l)) twoDown.push([l, x, s]);
    }
  }
  if (up.length) {
    links.push({
      kind: 'direct',
      relation: 'upstream',
      weight: PARTNER_WEIGHTS.direct,
      order: 1,
      reason: () => writer.directUpstream(up[0][0], up[0][1]),
    });
  }
  if (down.length) {
    links.push({
      kind: 'direct',
      relation: 'downstream',
      weight: PARTNER_WEIGHTS.direct,
      order: 2,
      reason: () => writer.directDownstream(down[0][0], down[0][1]),
    });
  }
  // Two hops only matter when there is no direct link in that direction.
  if (twoUp.length && !up.length) {
    links.push({
      kind: 'twoHop',
      relation: 'upstream',
      weight: PARTNER_WEIGHTS.twoHop,
      order: 3,
      reason: () => writer.twoHop(twoUp[0], 'upstream'),
    });
  }
  if (twoDown.length && !down.length && !needed.length) {
    links.push({
      kind: 'twoHop',
      relation: 'downstream',
      weight: PARTNER_WEIGHTS.twoHop,
      order: 4,
      reason: () => writer.twoHop(twoDown[0], 'downstream'),
    });
  }
  return links.sort((a, b) => b.weight - a.weight || a.order - b.order);
}

interface ScoredPartner {
  enterpriseId: string;
  relation: Relation;
  score: number;
  reasons: () => Reason[];
}

/** Scores one enterprise; null when it is not a partner (a peer or unrelated). */
export function scorePartner(
  graph: TaxonomyGraph,
  lead: LeadInput,
  leadSegments: ReadonlySet<string>,
  e: EnterpriseCandidate,
  writer: ReasonWriter,
): ScoredPartner | null {
  const links = partnerLinks(graph, leadSegments, e, writer);
  if (!links.length) return null;
  const best = links[0];
  const crossCity = e.jurisdiction !== lead.jurisdiction;
  const raw =
    best.weight +
    (crossCity ? PARTNER_WEIGHTS.crossCity : 0) +
    (e.chainLeader ? PARTNER_WEIGHTS.chainLeader : 0);
  return {
    enterpriseId: e.id,
    relation: best.relation,
    score: round4(raw / PARTNER_MAX),
    reasons: () => [
      ...links.map((l) => l.reason()),
      ...(crossCity ? [writer.crossCity(e.jurisdiction)] : []),
      ...(e.chainLeader ? [writer.chainLeader()] : []),
    ],
  };
}

export function rankPartners(input: MatchInput, writer: ReasonWriter): PartnerMatch[] {
  const { graph, lead } = input;
  const leadSegments = new Set(lead.segments);
  const excluded = new Set(input.exclude?.enterpriseIds ?? []);
  const seen = new Set<string>();
  const scored: ScoredPartner[] = [];
  for (const e of input.enterprises) {
    if (excluded.has(e.id) || seen.has(e.id)) continue;
    seen.add(e.id);
    const s = scorePartner(graph, lead, leadSegments, e, writer);
    if (s) scored.push(s);
  }
  scored.sort((a, b) => b.score - a.score || byId(a.enterpriseId, b.enterpriseId));
  return scored.slice(0, MAX_PARTNERS).map((s, i) => ({
    enterpriseId: s.enterpriseId,
    relation: s.relation,
    score: s.score,
    rank: i + 1,
    reasons: s.reasons(),
  }));
}

export function rankParks(input: MatchInput, writer: ReasonWriter): ParkMatch[] {
  const { graph, lead, clusterCounts } = input;
  const leadSegments = [...new Set(lead.segments)].sort();
  const leadSet = new Set(leadSegments);
  const adjacent = oneHop(graph, leadSegments);
  const chain = new Set([...leadSegments, ...adjacent]);
  const industries = new Set(graph.industriesOf(leadSegments));
  const excluded = new Set(input.exclude?.parkIds ?? []);
  const count = (jurisdictions: readonly string[], segments: readonly string[]) => {
    let n = 0;
    for (const j of new Set(jurisdictions))
      for (const s of segments) n += clusterCounts.get(clusterKey(j, s)) ?? 0;
    return n;
  };

  const scored: (Omit<ParkMatch, 'rank'> & { fits: boolean })[] = [];
  const seen = new Set<string>();
  for (const p of input.parks) {
    if (excluded.has(p.id) || seen.has(p.id)) continue;
    seen.add(p.id);
    const targets = [...new Set(p.targetSegments)].sort();
    const onLead = targets.filter((t) => leadSet.has(t));
    const sameIndustry = [...new Set(targets.map((t) => graph.industryOf(t)))]
      .filter((i): i is string => !!i && industries.has(i))
      .sort();
    const reasons: Reason[] = [];
    let raw: number;
    if (onLead.length) {
      raw = PARK_WEIGHTS.targetSegment;
      reasons.push(writer.parkTargetSegment(onLead));
    } else if (sameIndustry.length) {
      raw = PARK_WEIGHTS.targetIndustry;
      reasons.push(writer.parkTargetIndustry(sameIndustry));
    } else {
      continue;
    }
    const onChain = targets.filter((t) => chain.has(t)).length;
    if (onChain) {
      raw += (PARK_WEIGHTS.chainFocus * onChain) / targets.length;
      reasons.push(writer.chainFocus(onChain, targets.length));
    }
    const inLeadSegments = count(p.jurisdictions, leadSegments);
    const inAdjacent = count(p.jurisdictions, adjacent);
    const cluster = inLeadSegments + inAdjacent;
    if (cluster > 0) {
      raw += PARK_WEIGHTS.clusterStrength * Math.min(1, Math.log1p(cluster) / Math.log1p(CLUSTER_SATURATION));
      reasons.push(writer.clusterStrength(cluster));
    }
    if (inLeadSegments === 0 && inAdjacent > 0) {
      raw += PARK_WEIGHTS.fillsChainGap;
      reasons.push(writer.fillsChainGap(leadSegments, inAdjacent));
    }
    if (p.coBuilt) {
      raw += PARK_WEIGHTS.coBuilt;
      reasons.push(writer.coBuiltPark());
    }
    let score = raw / PARK_MAX;
    const need = lead.landNeedMu ?? null;
    const fits = need === null || p.availableLandMu === null || need <= p.availableLandMu;
    if (!fits) {
      score *= PARK_WEIGHTS.landShortFactor;
      reasons.push(writer.landShort(need, p.availableLandMu as number));
    }
    scored.push({ parkId: p.id, score: round4(score), landShort: !fits, fits, reasons });
  }
  // A park without enough land never ranks above one that fits (DESIGN §10).
  scored.sort((a, b) => Number(b.fits) - Number(a.fits) || b.score - a.score || byId(a.parkId, b.parkId));
  return scored.slice(0, MAX_PARKS).map(({ fits: _fits, ...s }, i) => ({ ...s, rank: i + 1 }));
}

/** Ranked partners (≤ 10) and parks (≤ 3) for one lead (DESIGN §10). */
export function matchLead(input: MatchInput): MatchResult {
  const writer = new ReasonWriter(input.graph, input.jurisdictionNames);
  return {
    algorithmVersion: ALGORITHM_VERSION,
    partners: rankPartners(input, writer),
    parks: rankParks(input, writer),
  };
}

/**
 * Trims the candidate lists to what can reach the top `limit`, exactly (no heuristic). A list of
 * (role, segment) members split by (chain leader, jurisdiction) has a tier: the score its link is
 * worth with those bonuses; every member scores at least its tier, and a partner scores exactly the
 * tier of its best list. Taking whole tiers, best first, until `limit` non-excluded candidates are
 * in hand leaves out only enterprises that score below all of them.
 */
export function boundCandidates(
  graph: TaxonomyGraph,
  lead: LeadInput,
  list: (role: 'makes' | 'needs', segment: string) => readonly EnterpriseCandidate[],
  excluded: ReadonlySet<string> = new Set(),
  limit = MAX_PARTNERS,
): EnterpriseCandidate[] {
  const own = new Set(lead.segments);
  const direct = new Set<string>();
  for (const l of own) {
    for (const s of graph.suppliesTo.get(l) ?? []) if (!own.has(s)) direct.add(s);
    for (const s of graph.suppliedBy.get(l) ?? []) if (!own.has(s)) direct.add(s);
  }
  const { makes, needs } = candidateLists(graph, lead.segments);
  // Members bucketed by tier (a dozen distinct values at most), in list order within a tier:
  // the same order a stable sort by tier would give, without sorting every member.
  const tiers = new Map<number, EnterpriseCandidate[]>();
  const add = (weight: number, e: EnterpriseCandidate) => {
    const tier = round4(
      weight +
        (e.jurisdiction !== lead.jurisdiction ? PARTNER_WEIGHTS.crossCity : 0) +
        (e.chainLeader ? PARTNER_WEIGHTS.chainLeader : 0),
    );
    const bucket = tiers.get(tier);
    if (bucket) bucket.push(e);
    else tiers.set(tier, [e]);
  };
  for (const s of needs) for (const e of list('needs', s)) add(PARTNER_WEIGHTS.declaredNeed, e);
  for (const s of makes) {
    const w = direct.has(s) ? PARTNER_WEIGHTS.direct : PARTNER_WEIGHTS.twoHop;
    for (const e of list('makes', s)) add(w, e);
  }
  const out: EnterpriseCandidate[] = [];
  const seen = new Set<string>();
  let counted = 0;
  for (const tier of [...tiers.keys()].sort((a, b) => b - a)) {
    for (const e of tiers.get(tier)!) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
      if (!excluded.has(e.id)) counted++;
    }
    if (counted >= limit) break;
  }
  return out;
}
