import type { EdgeStrength, TaxonomyGraph } from '../taxonomy/taxonomy';
import { needStrength, oneHop } from './chain';
import { Reason, ReasonWriter } from './reasons';
import { ProjectScale, SizeBand, SizeFit, projectScale, sizeBand, sizeFit } from './size-fit';

/**
 * The matching engine of DESIGN §10 as pure functions over plain data: no Nest, no database.
 * Deterministic: the same input (in any order) gives the same matches in the same order.
 *
 * Bump ALGORITHM_VERSION whenever weights or rules change: every stored match records it.
 */
export const ALGORITHM_VERSION = 'chain-2026.12.1';
export const MAX_PARTNERS = 10;
export const MAX_PARKS = 3;
/**
 * When a lead has direct partners (a direct chain edge or a declared need) both upstream and
 * downstream, the top 10 keeps at least this many of each (DESIGN §10 "show both directions"):
 * the best of the missing direction, by their link in that direction, replace the lowest
 * proposals of the other. Links through two hops do not count: a cathode maker is not the battery
 * cell plant's customer because cells are recycled into cathode.
 */
export const MIN_PER_DIRECTION = 2;

/**
 * Partner weights in points, ranked as a chain expert would (DESIGN §10): the strength of the
 * link first (a direct core edge 60, a direct supporting one 30; two hops count half their weaker
 * edge and are never "core"), then a declared need (+10: raises a partner within its strength,
 * never a supporting link above a core one: 30 + 10 + 8 + 5 < 60 − 5), cross-city (+8), chain
 * leader (+5), and size fit (−3 one class off, −5 a micro firm for a major project).
 *
 * A partner's score is the best of its links plus bonuses that depend only on the enterprise's
 * jurisdiction, chain leader flag and size band, ties by enterprise id. That makes the indexed
 * candidate query exact (see boundCandidates and candidate.repository.ts): the first N members of
 * each (segment, role, jurisdiction, size band) list, in (rank, id) order, suffice.
 */
export const PARTNER_WEIGHTS = {
  core: 60,
  supporting: 30,
  declaredNeed: 10,
  crossCity: 8,
  chainLeader: 5,
  tooSmall: 3,
  farTooSmall: 5,
  tooLarge: 3,
} as const;
const PARTNER_MAX =
  PARTNER_WEIGHTS.core +
  PARTNER_WEIGHTS.declaredNeed +
  PARTNER_WEIGHTS.crossCity +
  PARTNER_WEIGHTS.chainLeader;
const SIZE_PENALTY: Record<SizeFit, number> = {
  fit: 0,
  tooSmall: PARTNER_WEIGHTS.tooSmall,
  farTooSmall: PARTNER_WEIGHTS.farTooSmall,
  tooLarge: PARTNER_WEIGHTS.tooLarge,
};
const strengthWeight = (s: EdgeStrength) => PARTNER_WEIGHTS[s];

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
  /** For size fit; absent or 0: no size rule. */
  plannedInvestmentWan?: number | null;
}

export interface EnterpriseCandidate {
  id: string;
  name: string;
  jurisdiction: string;
  segments: readonly string[];
  needs: readonly string[];
  chainLeader: boolean;
  revenueWan?: number | null;
  employees?: number | null;
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
const RELATIONS: readonly Relation[] = ['upstream', 'downstream'];

export interface PartnerMatch {
  enterpriseId: string;
  relation: Relation;
  /** Strength of the link the partner is proposed for. */
  strength: EdgeStrength;
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

/**
 * A chain link between an enterprise and the lead. `path` runs in the direction goods flow:
 * upstream [enterprise's segment, (intermediate,) lead's segment], downstream [lead's segment,
 * (intermediate,) enterprise's segment]; a declared need [lead's segment, enterprise's segment it
 * feeds] or just [lead's segment] when no edge follows it.
 */
export interface PartnerLink {
  kind: 'direct' | 'twoHop' | 'need';
  relation: Relation;
  strength: EdgeStrength;
  /** Points (PARTNER_WEIGHTS), before the enterprise's bonuses. */
  weight: number;
  path: readonly string[];
}

const KIND_ORDER = { direct: 0, need: 1, twoHop: 2 } as const;
/** Best first: weight, then direct before need before two hops, then path (deterministic). */
function better(a: PartnerLink, b: PartnerLink): boolean {
  if (a.weight !== b.weight) return a.weight > b.weight;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind];
  for (let i = 0; i < a.path.length && i < b.path.length; i++)
    if (a.path[i] !== b.path[i]) return a.path[i] < b.path[i];
  return a.path.length < b.path.length;
}

/** A segment's best link to the lead in each direction. */
export type SegmentLinks = Partial<Record<Relation, PartnerLink>>;

/** Lead chains per graph and set of lead segments: leads of a batch mostly share a few segment sets. */
const chains = new WeakMap<TaxonomyGraph, Map<string, ReadonlyMap<string, SegmentLinks>>>();
const CHAIN_CACHE_SIZE = 4096;

/**
 * The lead's chain neighbourhood: for every segment outside the lead's own that is one or two
 * edges up or down the chain, its best link in each direction. A direct link weighs its edge's
 * strength; two hops weigh half their weaker edge and rank as supporting.
 */
function computeLeadChain(graph: TaxonomyGraph, leadSegments: readonly string[]): Map<string, SegmentLinks> {
  const own = new Set(leadSegments);
  const out = new Map<string, SegmentLinks>();
  const offer = (segment: string, link: PartnerLink) => {
    if (own.has(segment)) return;
    const links = out.get(segment) ?? out.set(segment, {}).get(segment)!;
    const current = links[link.relation];
    if (!current || better(link, current)) links[link.relation] = link;
  };
  const twoHopWeight = (a: EdgeStrength, b: EdgeStrength) =>
    Math.min(strengthWeight(a), strengthWeight(b)) / 2;
  for (const l of [...own].sort()) {
    for (const s of graph.suppliedBy.get(l) ?? []) {
      const edge = graph.edge(s, l)!;
      offer(s, {
        kind: 'direct',
        relation: 'upstream',
        strength: edge.strength,
        weight: strengthWeight(edge.strength),
        path: [s, l],
      });
      if (own.has(s)) continue;
      for (const t of graph.suppliedBy.get(s) ?? []) {
        const far = graph.edge(t, s)!;
        offer(t, {
          kind: 'twoHop',
          relation: 'upstream',
          strength: 'supporting',
          weight: twoHopWeight(edge.strength, far.strength),
          path: [t, s, l],
        });
      }
    }
    for (const s of graph.suppliesTo.get(l) ?? []) {
      const edge = graph.edge(l, s)!;
      offer(s, {
        kind: 'direct',
        relation: 'downstream',
        strength: edge.strength,
        weight: strengthWeight(edge.strength),
        path: [l, s],
      });
      if (own.has(s)) continue;
      for (const t of graph.suppliesTo.get(s) ?? []) {
        const far = graph.edge(s, t)!;
        offer(t, {
          kind: 'twoHop',
          relation: 'downstream',
          strength: 'supporting',
          weight: twoHopWeight(edge.strength, far.strength),
          path: [l, s, t],
        });
      }
    }
  }
  return out;
}

/** The lead's chain neighbourhood (computeLeadChain), computed once per graph and set of segments. */
export function leadChain(
  graph: TaxonomyGraph,
  leadSegments: readonly string[],
): ReadonlyMap<string, SegmentLinks> {
  const key = [...new Set(leadSegments)].sort().join(',');
  let cache = chains.get(graph);
  if (!cache) chains.set(graph, (cache = new Map()));
  let chain = cache.get(key);
  if (!chain) {
    if (cache.size >= CHAIN_CACHE_SIZE) cache.clear();
    cache.set(key, (chain = computeLeadChain(graph, leadSegments)));
  }
  return chain;
}

/** The link a declared need for `needed` gives an enterprise making `segments` (DESIGN §10). */
export function needLink(graph: TaxonomyGraph, needed: string, segments: readonly string[]): PartnerLink {
  const strength = needStrength(graph, needed, segments);
  // The segment the need feeds: the first (by code) the needed segment supplies at that strength.
  let fed: string | undefined;
  for (const s of segments) {
    const edge = graph.edge(needed, s);
    if (edge && (strength === 'supporting' || edge.strength === 'core') && (fed === undefined || s < fed))
      fed = s;
  }
  return {
    kind: 'need',
    relation: 'downstream',
    strength,
    weight: strengthWeight(strength) + PARTNER_WEIGHTS.declaredNeed,
    path: fed ? [needed, fed] : [needed],
  };
}

/** The best link of one enterprise to the lead in each direction; empty for peers and unrelated enterprises. */
export function partnerLinks(
  graph: TaxonomyGraph,
  chain: ReadonlyMap<string, SegmentLinks>,
  leadSegments: ReadonlySet<string>,
  e: Pick<EnterpriseCandidate, 'segments' | 'needs'>,
): SegmentLinks {
  const best: SegmentLinks = {};
  const take = (link: PartnerLink) => {
    const current = best[link.relation];
    if (!current || better(link, current)) best[link.relation] = link;
  };
  // Only what the enterprise makes beyond the lead's own segments links it: sharing is peering.
  for (const s of e.segments) {
    const links = chain.get(s);
    if (links?.upstream) take(links.upstream);
    if (links?.downstream) take(links.downstream);
  }
  for (const l of e.needs) if (leadSegments.has(l)) take(needLink(graph, l, e.segments));
  return best;
}

/** The points an enterprise adds to any of its links: cross-city, chain leader, size fit. */
function bonus(
  lead: LeadInput,
  scale: ProjectScale,
  jurisdiction: string,
  chainLeader: boolean,
  band: SizeBand,
) {
  return (
    (jurisdiction !== lead.jurisdiction ? PARTNER_WEIGHTS.crossCity : 0) +
    (chainLeader ? PARTNER_WEIGHTS.chainLeader : 0) -
    SIZE_PENALTY[sizeFit(band, scale)]
  );
}

interface ScoredPartner {
  e: EnterpriseCandidate;
  /** Best link and its points with bonuses, per direction. */
  by: Partial<Record<Relation, { link: PartnerLink; raw: number }>>;
  relation: Relation;
  raw: number;
}

/** Scores one enterprise; null when it is not a partner (a peer or unrelated). */
function scorePartner(
  graph: TaxonomyGraph,
  chain: ReadonlyMap<string, SegmentLinks>,
  lead: LeadInput,
  scale: ProjectScale,
  leadSegments: ReadonlySet<string>,
  e: EnterpriseCandidate,
): ScoredPartner | null {
  const links = partnerLinks(graph, chain, leadSegments, e);
  if (!links.upstream && !links.downstream) return null;
  const plus = bonus(lead, scale, e.jurisdiction, e.chainLeader, sizeBand(e.revenueWan, e.employees));
  const by: ScoredPartner['by'] = {};
  for (const r of RELATIONS) if (links[r]) by[r] = { link: links[r]!, raw: links[r]!.weight + plus };
  const relation =
    !links.downstream || (links.upstream && !better(links.downstream, links.upstream))
      ? 'upstream'
      : 'downstream';
  return { e, by, relation, raw: by[relation]!.raw };
}

function partnerReasons(
  writer: ReasonWriter,
  lead: LeadInput,
  scale: ProjectScale,
  s: ScoredPartner,
  relation: Relation,
): Reason[] {
  const shown = s.by[relation]!.link;
  // The other direction's link too, when it is a real one (a loop back through two hops is noise).
  const opposite = s.by[relation === 'upstream' ? 'downstream' : 'upstream']?.link;
  const other = opposite && opposite.kind !== 'twoHop' ? opposite : undefined;
  const e = s.e;
  const fit = sizeFit(sizeBand(e.revenueWan, e.employees), scale);
  const size =
    scale === 'none'
      ? null
      : writer.size(fit, e.revenueWan ?? null, e.employees ?? null, lead.plannedInvestmentWan!);
  return [
    writer.link(shown),
    writer.linkKind(shown),
    ...(other ? [writer.linkKind(other)] : []),
    ...(e.jurisdiction !== lead.jurisdiction ? [writer.crossCity(e.jurisdiction)] : []),
    ...(e.chainLeader ? [writer.chainLeader()] : []),
    ...(size ? [size] : []),
  ];
}

function scoreAll(input: MatchInput): ScoredPartner[] {
  const { graph, lead } = input;
  const leadSegments = new Set(lead.segments);
  const chain = leadChain(graph, lead.segments);
  const scale = projectScale(lead.plannedInvestmentWan);
  const excluded = new Set(input.exclude?.enterpriseIds ?? []);
  const seen = new Set<string>();
  const scored: ScoredPartner[] = [];
  for (const e of input.enterprises) {
    if (excluded.has(e.id) || seen.has(e.id)) continue;
    seen.add(e.id);
    const s = scorePartner(graph, chain, lead, scale, leadSegments, e);
    if (s) scored.push(s);
  }
  return scored;
}

/** Every candidate's points: its best link's, and its best link's in each direction (tests, evaluation). */
export function partnerScores(
  input: MatchInput,
): { enterpriseId: string; relation: Relation; raw: number; upstream?: number; downstream?: number }[] {
  return scoreAll(input).map((s) => ({
    enterpriseId: s.e.id,
    relation: s.relation,
    raw: s.raw,
    upstream: s.by.upstream?.raw,
    downstream: s.by.downstream?.raw,
  }));
}

export function rankPartners(input: MatchInput, writer: ReasonWriter): PartnerMatch[] {
  const scale = projectScale(input.lead.plannedInvestmentWan);
  const scored = scoreAll(input);
  scored.sort((a, b) => b.raw - a.raw || byId(a.e.id, b.e.id));
  const picked = scored.slice(0, MAX_PARTNERS).map((s) => ({ s, relation: s.relation, raw: s.raw }));
  // Both directions (DESIGN §10, MIN_PER_DIRECTION).
  const inTop = new Set(picked.map((p) => p.s.e.id));
  const directIn = (s: ScoredPartner, d: Relation) => !!s.by[d] && s.by[d].link.kind !== 'twoHop';
  const byLink = (d: Relation) => (a: ScoredPartner, b: ScoredPartner) =>
    b.by[d]!.raw - a.by[d]!.raw || byId(a.e.id, b.e.id);
  for (const d of RELATIONS) {
    const missing = MIN_PER_DIRECTION - picked.filter((p) => p.relation === d).length;
    if (missing <= 0) continue;
    const reserve = scored.filter((s) => directIn(s, d) && !inTop.has(s.e.id)).sort(byLink(d));
    for (let k = 0; k < missing; k++) {
      // The lowest pick of the other direction makes room; when it links in this direction too,
      // it competes for the reserve place by that link (so declaring a need never costs a place).
      const next = reserve[0];
      if (!next) break;
      let outAt = -1;
      if (picked.length >= MAX_PARTNERS)
        for (let i = picked.length - 1; i >= 0 && outAt < 0; i--) if (picked[i].relation !== d) outAt = i;
      const leaving = outAt >= 0 ? picked[outAt].s : undefined;
      const s = leaving && directIn(leaving, d) && byLink(d)(leaving, next) <= 0 ? leaving : next;
      if (outAt >= 0) picked.splice(outAt, 1);
      if (s === next) reserve.shift();
      picked.push({ s, relation: d, raw: s.by[d]!.raw });
      inTop.add(s.e.id);
    }
  }
  picked.sort((a, b) => b.raw - a.raw || byId(a.s.e.id, b.s.e.id));
  return picked.map(({ s, relation, raw }, i) => ({
    enterpriseId: s.e.id,
    relation,
    strength: s.by[relation]!.link.strength,
    score: round4(raw / PARTNER_MAX),
    rank: i + 1,
    reasons: partnerReasons(writer, input.lead, scale, s, relation),
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

/** One reason writer per graph (it remembers the sentences it wrote); a new one for other place names. */
const writers = new WeakMap<TaxonomyGraph, ReasonWriter>();
function writerFor(graph: TaxonomyGraph, names?: Record<string, { zh: string; en: string }>): ReasonWriter {
  if (names) return new ReasonWriter(graph, names);
  let w = writers.get(graph);
  if (!w) writers.set(graph, (w = new ReasonWriter(graph)));
  return w;
}

/** Ranked partners (≤ 10) and parks (≤ 3) for one lead (DESIGN §10). */
export function matchLead(input: MatchInput): MatchResult {
  const writer = writerFor(input.graph, input.jurisdictionNames);
  return {
    algorithmVersion: ALGORITHM_VERSION,
    partners: rankPartners(input, writer),
    parks: rankParks(input, writer),
  };
}

/**
 * What the candidate index holds of one list (a segment and role) for one (jurisdiction, chain
 * leader, size band) and, for declared needs, one need strength (migration 1764330000000).
 */
export interface CandidateGroup {
  jurisdiction: string;
  chainLeader: boolean;
  sizeBand: SizeBand;
  /** `needs` lists: the strength of the members' declared need (needStrength()). */
  needStrength?: EdgeStrength;
  /** Enterprise ids, ascending. */
  ids: readonly string[];
}

/**
 * Members to read of each (segment, role, jurisdiction, size band) list, in (rank, id) order:
 * enough for the top 10, the reserve of each direction, and the rejected.
 */
export const perListLimit = (rejected: number) => MAX_PARTNERS + MIN_PER_DIRECTION + rejected;

/**
 * Members of one walk by tier (points are small integers, so the index is the tier): each bucket
 * holds whole groups, their ids ascending.
 */
type Tiers = (readonly string[])[][];

function addTier(tiers: Tiers, tier: number, ids: readonly string[]): void {
  (tiers[tier] ??= []).push(ids);
}

/**
 * Takes members best tier first, ties in id order (the engine's order for equal scores), until
 * `enough` of them count (not excluded, nor in `known`); adds them to `out`. Returns the tier it
 * stopped in, -1 when the lists ran out first.
 */
function walkTiers(
  tiers: Tiers,
  enough: number,
  excluded: ReadonlySet<string>,
  out: Set<string>,
  known: ReadonlySet<string> = new Set(),
): number {
  const seen = new Set<string>();
  let counted = 0;
  const take = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.add(id);
    if (!excluded.has(id) && !known.has(id)) counted++;
  };
  for (let tier = tiers.length - 1; tier >= 0; tier--) {
    const groups = tiers[tier];
    if (!groups) continue;
    let size = 0;
    for (const ids of groups) size += ids.length;
    if (counted + size < enough) {
      for (const ids of groups) for (const id of ids) take(id);
      continue;
    }
    // This tier completes the walk: only its first members in id order are needed. Each group is
    // in id order already, so merge their heads until enough are in hand.
    const at = groups.map(() => 0);
    while (counted < enough) {
      let best = -1;
      for (let g = 0; g < groups.length; g++)
        if (at[g] < groups[g].length && (best < 0 || groups[g][at[g]] < groups[best][at[best]])) best = g;
      if (best < 0) break;
      take(groups[best][at[best]++]);
    }
    if (counted >= enough) return tier;
  }
  return -1;
}

/** The most points a member of a list can have beyond its link: cross-city and chain leader. */
const MAX_BONUS = PARTNER_WEIGHTS.crossCity + PARTNER_WEIGHTS.chainLeader;

/**
 * Trims the candidate lists to what can reach the proposals, exactly (no heuristic). Every group
 * of a list has a tier: the points its link to the lead is worth in that list (the segment's best
 * link, or the declared need's) plus the group's bonuses (cross-city, chain leader, size fit).
 * A partner's score is exactly the best tier of its groups, ties by id; within a fetched group
 * members come in id order after everyone of a better tier. So taking members best tier first,
 * ties by id, until `limit` non-excluded enterprises are in hand keeps everyone who can reach the
 * top 10 (anyone left out has `limit` others ranked above it); doing the same per direction over
 * the direct links until `reserve` more are in hand, none of whom can be in the top 10 (they are
 * not among those kept for it), keeps everyone the direction reserve can pick. Returns enterprise
 * ids.
 *
 * `list` may answer `undefined` for a list not read yet (CandidateRepository reads the lists of
 * direct links first): when such a list could still hold a member of a tier the walks reached,
 * the answer is null, and the caller reads the missing lists and asks again.
 */
export function boundCandidates(
  graph: TaxonomyGraph,
  lead: LeadInput,
  list: (role: 'makes' | 'needs', segment: string) => readonly CandidateGroup[] | undefined,
  excluded: ReadonlySet<string> = new Set(),
  limit = MAX_PARTNERS,
  reserve = MIN_PER_DIRECTION,
): string[] | null {
  const chain = leadChain(graph, lead.segments);
  const scale = projectScale(lead.plannedInvestmentWan);
  const all: Tiers = [];
  const up: Tiers = [];
  const down: Tiers = [];
  // The bonus of every (city, chain leader, size band) a group can have, worked out once.
  const bonuses = [false, true].map((cross) =>
    [false, true].map((leader) =>
      ([0, 1, 2, 3] as const).map((band) => bonus(lead, scale, cross ? '' : lead.jurisdiction, leader, band)),
    ),
  );
  const plus = (g: CandidateGroup) =>
    bonuses[g.jurisdiction === lead.jurisdiction ? 0 : 1][g.chainLeader ? 1 : 0][g.sizeBand];
  // The best tier a member of an unread list could have, per walk.
  const unread = { all: -1, up: -1, down: -1 };
  for (const [segment, links] of chain) {
    const best = Math.max(links.upstream?.weight ?? 0, links.downstream?.weight ?? 0);
    // The direction reserve picks among direct links only (rankPartners).
    const u = links.upstream?.kind === 'direct' ? links.upstream.weight : undefined;
    const d = links.downstream?.kind === 'direct' ? links.downstream.weight : undefined;
    const groups = list('makes', segment);
    if (!groups) {
      unread.all = Math.max(unread.all, best + MAX_BONUS);
      if (u !== undefined) unread.up = Math.max(unread.up, u + MAX_BONUS);
      if (d !== undefined) unread.down = Math.max(unread.down, d + MAX_BONUS);
      continue;
    }
    for (const g of groups) {
      const p = plus(g);
      addTier(all, best + p, g.ids);
      if (u !== undefined) addTier(up, u + p, g.ids);
      if (d !== undefined) addTier(down, d + p, g.ids);
    }
  }
  for (const l of new Set(lead.segments)) {
    const groups = list('needs', l);
    if (!groups) {
      unread.all = Math.max(unread.all, PARTNER_WEIGHTS.core + PARTNER_WEIGHTS.declaredNeed + MAX_BONUS);
      unread.down = unread.all;
      continue;
    }
    for (const g of groups) {
      const tier = strengthWeight(g.needStrength ?? 'supporting') + PARTNER_WEIGHTS.declaredNeed + plus(g);
      addTier(all, tier, g.ids);
      addTier(down, tier, g.ids);
    }
  }
  const out = new Set<string>();
  // A walk is settled when no list is unread that could hold a member of a tier it took.
  const settled = (stoppedAt: number, unreadBest: number) => unreadBest < 0 || stoppedAt > unreadBest;
  if (!settled(walkTiers(all, limit, excluded, out), unread.all)) return null;
  // Everyone who can make the top 10 is in hand: the reserve of a direction needs only `reserve`
  // more of that direction, who are certainly outside the top 10.
  const top = new Set(out);
  if (!settled(walkTiers(up, reserve, excluded, out, top), unread.up)) return null;
  if (!settled(walkTiers(down, reserve, excluded, out, top), unread.down)) return null;
  return [...out];
}
