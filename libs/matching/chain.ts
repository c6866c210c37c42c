import type { EdgeStrength, TaxonomyGraph } from '../taxonomy/taxonomy';

/**
 * Where to look for a lead's partners (DESIGN §10), derived from the chain graph in memory:
 * - `makes`: segments on a chain path of one or two edges into or out of the lead's segments,
 *   minus the lead's own (an enterprise that only shares a segment is a peer, never a partner);
 * - `needs`: the lead's own segments (enterprises declaring demand for them).
 */
export interface CandidateLists {
  makes: string[];
  needs: string[];
}

/** Segments within `hops` undirected edges of `segments` (the start set included), sorted. */
export function withinHops(graph: TaxonomyGraph, segments: readonly string[], hops: number): string[] {
  const seen = new Set(segments);
  let frontier = [...seen];
  for (let h = 0; h < hops; h++) {
    const next: string[] = [];
    for (const s of frontier) {
      for (const n of graph.neighbours(s)) {
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return [...seen].sort();
}

/** Segments exactly one undirected edge from the set, excluding the set itself. */
export function oneHop(graph: TaxonomyGraph, segments: readonly string[]): string[] {
  const own = new Set(segments);
  return withinHops(graph, segments, 1).filter((s) => !own.has(s));
}

/**
 * The lists to read first: segments one edge up or down the chain (and the lead's own, for declared
 * needs). Two-hop lists are read only when these leave room (boundCandidates answers null).
 */
export function directLists(graph: TaxonomyGraph, leadSegments: readonly string[]): CandidateLists {
  const own = new Set(leadSegments);
  const makes = new Set<string>();
  for (const l of own) {
    for (const s of graph.suppliesTo.get(l) ?? []) if (!own.has(s)) makes.add(s);
    for (const s of graph.suppliedBy.get(l) ?? []) if (!own.has(s)) makes.add(s);
  }
  return { makes: [...makes].sort(), needs: [...own].sort() };
}

export function candidateLists(graph: TaxonomyGraph, leadSegments: readonly string[]): CandidateLists {
  const own = new Set(leadSegments);
  // Directed reachability (not undirected distance): two segments that merely supply the same
  // customer are not on one chain path, and must not crowd real partners out of a bounded list.
  const reach = (step: ReadonlyMap<string, readonly string[]>) => {
    const out = new Set<string>();
    for (const l of own)
      for (const x of step.get(l) ?? []) {
        out.add(x);
        if (!own.has(x)) for (const y of step.get(x) ?? []) out.add(y);
      }
    return out;
  };
  const makes = new Set([...reach(graph.suppliedBy), ...reach(graph.suppliesTo)]);
  return {
    makes: [...makes].filter((s) => !own.has(s)).sort(),
    needs: [...own].sort(),
  };
}

/**
 * The strength of a declared need for `needed` by an enterprise making `segments`: `core` when
 * `needed` supplies one of them over a core edge (a core customer declaring its demand), else
 * `supporting`. Postgres ranks the candidate index's `needs` rows by the same rule
 * (`need_link_rank()`, migration 1764330000000; test/matching-index.e2e-spec.ts keeps them equal).
 */
export function needStrength(
  graph: TaxonomyGraph,
  needed: string,
  segments: readonly string[],
): EdgeStrength {
  return segments.some((s) => graph.edge(needed, s)?.strength === 'core') ? 'core' : 'supporting';
}

/**
 * Segments whose leads a change to an enterprise (segments, needs) or a park (target segments)
 * can affect: within two hops of what it makes or targets, plus what it needs.
 */
export function affectedLeadSegments(
  graph: TaxonomyGraph,
  segments: readonly string[],
  needs: readonly string[] = [],
): string[] {
  return [...new Set([...withinHops(graph, segments, 2), ...needs])].sort();
}
