import referenceData from './reference-data.json';

export type ChainStage = 'upstream' | 'midstream' | 'downstream';

export interface Industry {
  code: string;
  name: string;
  nameEn: string;
  seiCode?: number;
}
export interface Segment {
  code: string;
  industry: string;
  stage: ChainStage;
  name: string;
  nameEn: string;
}
/**
 * How much a chain edge matters (DESIGN §8, §10): `core` for a defining input or a direct
 * customer (cathode → battery cell), `supporting` for recycling loops, testing services, general
 * equipment and software that serve many chains.
 */
export type EdgeStrength = 'core' | 'supporting';
export const EDGE_STRENGTHS: readonly EdgeStrength[] = ['core', 'supporting'];

export interface ChainEdge {
  from: string;
  to: string;
  strength: EdgeStrength;
  /** Why the edge has its strength, one line in Chinese (`reasonEn`: English). */
  reason: string;
  reasonEn: string;
}
export interface JurisdictionInfo {
  code: string;
  name: string;
  nameEn: string;
  divisionCode: string;
}
export interface ReferencePark {
  key: string;
  name: string;
  nameEn: string;
  jurisdictions: string[];
  coBuilt: boolean;
  targetSegments: string[];
  availableLandMu: number;
  factorySpaceSqm: number;
  incentives: string;
}
export interface ReferenceData {
  version: string;
  jurisdictions: JurisdictionInfo[];
  industries: Industry[];
  segments: Segment[];
  edges: ChainEdge[];
  parks: ReferencePark[];
}

export interface Taxonomy {
  industries: Industry[];
  segments: Segment[];
  edges: ChainEdge[];
}

/** The versioned reference data file shipped with the project (DESIGN §8, §9). */
export const REFERENCE_DATA = referenceData as ReferenceData;

/** Read-only graph over the chain edges, for validation and matching. */
export class TaxonomyGraph {
  readonly segmentByCode: ReadonlyMap<string, Segment>;
  readonly industryByCode: ReadonlyMap<string, Industry>;
  /** segment -> segments it supplies */
  readonly suppliesTo: ReadonlyMap<string, readonly string[]>;
  /** segment -> segments that supply it */
  readonly suppliedBy: ReadonlyMap<string, readonly string[]>;
  private readonly edgeByEnds: ReadonlyMap<string, ReadonlyMap<string, ChainEdge>>;

  constructor(readonly taxonomy: Taxonomy) {
    this.segmentByCode = new Map(taxonomy.segments.map((s) => [s.code, s]));
    this.industryByCode = new Map(taxonomy.industries.map((i) => [i.code, i]));
    const down = new Map<string, string[]>();
    const up = new Map<string, string[]>();
    for (const e of taxonomy.edges) {
      (down.get(e.from) ?? down.set(e.from, []).get(e.from)!).push(e.to);
      (up.get(e.to) ?? up.set(e.to, []).get(e.to)!).push(e.from);
    }
    for (const list of [...down.values(), ...up.values()]) list.sort();
    this.suppliesTo = down;
    this.suppliedBy = up;
    const ends = new Map<string, Map<string, ChainEdge>>();
    for (const e of taxonomy.edges)
      (ends.get(e.from) ?? ends.set(e.from, new Map()).get(e.from)!).set(e.to, e);
    this.edgeByEnds = ends;
  }

  /** The edge `from → to`, if the chain has it. */
  edge(from: string, to: string): ChainEdge | undefined {
    return this.edgeByEnds.get(from)?.get(to);
  }

  hasSegment(code: string): boolean {
    return this.segmentByCode.has(code);
  }

  industryOf(segment: string): string | undefined {
    return this.segmentByCode.get(segment)?.industry;
  }

  /** The industries a set of segments belongs to, sorted and unique. */
  industriesOf(segments: readonly string[]): string[] {
    return [...new Set(segments.map((s) => this.industryOf(s)).filter((i): i is string => !!i))].sort();
  }

  segmentsOfIndustry(industry: string): string[] {
    return this.taxonomy.segments.filter((s) => s.industry === industry).map((s) => s.code);
  }

  /** Segments one edge away in either direction. */
  neighbours(segment: string): string[] {
    return [
      ...new Set([...(this.suppliesTo.get(segment) ?? []), ...(this.suppliedBy.get(segment) ?? [])]),
    ].sort();
  }
}

export function referenceTaxonomy(): Taxonomy {
  const { industries, segments, edges } = REFERENCE_DATA;
  return { industries, segments, edges };
}
