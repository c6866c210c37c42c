import type { ChainStage, Segment } from '../api/types';

export interface SegmentCounts {
  beibei: number;
  mianyang: number;
  /** true when a count stopped at the page limit (shown as "n+"). */
  capped?: boolean;
}

const STAGE_X: Record<ChainStage, number> = { upstream: 0, midstream: 1, downstream: 2 };

/** Positions segments in three columns, upstream → midstream → downstream. */
export function layoutChain(segments: Segment[], width = 900, rowHeight = 70) {
  const byStage: Record<string, Segment[]> = { upstream: [], midstream: [], downstream: [] };
  for (const s of segments) byStage[s.stage].push(s);
  return segments.map((s) => {
    const row = byStage[s.stage].indexOf(s);
    const rows = byStage[s.stage].length;
    const maxRows = Math.max(...Object.values(byStage).map((l) => l.length));
    return {
      code: s.code,
      x: 80 + STAGE_X[s.stage] * ((width - 160) / 2),
      y: 40 + (row + (maxRows - rows) / 2) * rowHeight,
    };
  });
}

/** A gap (补链 opportunity): enterprises in one city, none in the other. */
export function isGap(c: SegmentCounts | undefined): boolean {
  if (!c) return false;
  return (c.beibei === 0) !== (c.mianyang === 0);
}

/** Where a node sits: a stage column of the shown industry, or a side column of linked segments. */
export type ChainColumn = 'in' | ChainStage | 'out';

export interface ChainNode {
  code: string;
  industry: string;
  column: ChainColumn;
  /** A segment of another industry, linked to this one by a chain edge. */
  external: boolean;
  x: number;
  y: number;
}

export type EdgeStrength = 'core' | 'supporting';

export interface ChainLink {
  source: string;
  target: string;
  /** The edge crosses into or out of the shown industry. */
  cross: boolean;
  /** `core`: a defining input or direct customer; `supporting`: recycling, testing, general equipment, software. */
  strength: EdgeStrength;
}

export interface IndustryChainLayout {
  nodes: ChainNode[];
  links: ChainLink[];
  /** Column centres, left to right (only the side columns that have nodes). */
  columns: { column: ChainColumn; x: number }[];
  /** Extent of the node centres: the chart needs about this much room plus the node size. */
  width: number;
  height: number;
}

export interface IndustryChainOptions {
  /** Distance from the leftmost to the rightmost column centre. */
  width?: number;
  /** Vertical distance between nodes of the industry. */
  rowHeight?: number;
  /** Vertical distance between linked nodes of other industries (drawn smaller). */
  sideRowHeight?: number;
}

/**
 * The chain of one industry with its neighbours: its segments in three stage columns, and the
 * segments of other industries that a chain edge connects to them in a column on each side —
 * suppliers (edges into the industry) on the left, customers (edges out of it) on the right.
 * A neighbour that is both supplier and customer stays on the left, once. Side nodes are grouped
 * by industry (taxonomy order) and, within one, ordered by the height of the segments they link
 * to, which keeps the crossing edges short.
 */
export function layoutIndustryChain(
  tax: {
    industries: { code: string }[];
    segments: Segment[];
    edges: { from: string; to: string; strength?: EdgeStrength }[];
  },
  industry: string,
  { width = 900, rowHeight = 70, sideRowHeight = 42 }: IndustryChainOptions = {},
): IndustryChainLayout {
  const byCode = new Map(tax.segments.map((s) => [s.code, s]));
  const own = tax.segments.filter((s) => s.industry === industry);
  const inside = (code: string) => byCode.get(code)?.industry === industry;

  const links: ChainLink[] = [];
  const incoming = new Map<string, string[]>(); // outside supplier → the industry's segments it feeds
  const outgoing = new Map<string, string[]>(); // outside customer → the industry's segments feeding it
  for (const e of tax.edges) {
    if (!byCode.has(e.from) || !byCode.has(e.to)) continue;
    const fromIn = inside(e.from);
    const toIn = inside(e.to);
    if (!fromIn && !toIn) continue;
    links.push({ source: e.from, target: e.to, cross: fromIn !== toIn, strength: e.strength ?? 'core' });
    if (!fromIn) incoming.set(e.from, [...(incoming.get(e.from) ?? []), e.to]);
    if (!toIn) outgoing.set(e.to, [...(outgoing.get(e.to) ?? []), e.from]);
  }
  for (const code of incoming.keys()) outgoing.delete(code);

  const columns: ChainColumn[] = [
    ...(incoming.size ? (['in'] as const) : []),
    'upstream',
    'midstream',
    'downstream',
    ...(outgoing.size ? (['out'] as const) : []),
  ];
  const colX = new Map(columns.map((c, i) => [c, (i * width) / (columns.length - 1)]));

  const stageRows: Record<ChainStage, Segment[]> = { upstream: [], midstream: [], downstream: [] };
  for (const s of own) stageRows[s.stage].push(s);
  const mainHeight = Math.max(0, ...Object.values(stageRows).map((l) => l.length - 1)) * rowHeight;
  const sideHeight = (n: number) => Math.max(0, n - 1) * sideRowHeight;
  const height = Math.max(mainHeight, sideHeight(incoming.size), sideHeight(outgoing.size));

  const nodes: ChainNode[] = [];
  for (const stage of Object.keys(stageRows) as ChainStage[]) {
    const list = stageRows[stage];
    // The industry's own chain stays at the top, where the page opens, however long the columns
    // of linked segments of other industries are (new materials supplies two dozen of them).
    const top = (mainHeight - (list.length - 1) * rowHeight) / 2;
    list.forEach((s, i) =>
      nodes.push({
        code: s.code,
        industry,
        column: stage,
        external: false,
        x: colX.get(stage)!,
        y: top + i * rowHeight,
      }),
    );
  }

  const yOf = new Map(nodes.map((n) => [n.code, n.y]));
  const industryOrder = new Map(tax.industries.map((i, n) => [i.code, n]));
  const side = (column: 'in' | 'out', linked: Map<string, string[]>) => {
    const mean = (codes: string[]) => codes.reduce((sum, c) => sum + yOf.get(c)!, 0) / codes.length;
    const ordered = [...linked.entries()]
      .map(([code, to]) => ({ code, industry: byCode.get(code)!.industry, y: mean(to) }))
      .sort(
        (a, b) =>
          (industryOrder.get(a.industry) ?? 99) - (industryOrder.get(b.industry) ?? 99) ||
          a.y - b.y ||
          a.code.localeCompare(b.code),
      );
    const top = Math.max(0, (mainHeight - sideHeight(ordered.length)) / 2);
    ordered.forEach((o, i) =>
      nodes.push({
        code: o.code,
        industry: o.industry,
        column,
        external: true,
        x: colX.get(column)!,
        y: top + i * sideRowHeight,
      }),
    );
  };
  side('in', incoming);
  side('out', outgoing);

  return {
    nodes,
    links,
    columns: columns.map((column) => ({ column, x: colX.get(column)! })),
    width,
    height,
  };
}

/**
 * How the chart draws a chain edge (DESIGN §8): core solid and stronger, supporting dashed;
 * edges to other industries in a lighter grey. The legend uses the same styles.
 */
export function chainLinkStyle(l: Pick<ChainLink, 'cross' | 'strength'>): {
  type: 'solid' | 'dashed';
  color: string;
  width: number;
} {
  return {
    type: l.strength === 'supporting' ? 'dashed' : 'solid',
    color: l.cross ? '#bfbfbf' : l.strength === 'core' ? '#595959' : '#8c8c8c',
    width: l.strength === 'core' ? 1.6 : 1,
  };
}

/**
 * The chain chart's geometry in pixels (one place for the page, and for the browser test that
 * clicks a node on the canvas). The graph keeps the layout's aspect ratio inside its margins.
 */
export const CHAIN_CHART = {
  /** Layout width: 1366×768 leaves about 930 px between the side margins. */
  layoutWidth: 900,
  /** Column titles sit this far above the first row. */
  headerOffset: 48,
  margin: { top: 16, bottom: 28, left: 90, right: 90 },
  /** Below this the columns of 150 px nodes would touch: the chart scrolls sideways instead. */
  minChartWidth: 960,
} as const;

/** Chart height for a layout: its rows, the titles, the margins and some slack for the node height. */
export function chainChartHeight(layout: Pick<IndustryChainLayout, 'height'> | null): number {
  const { headerOffset, margin } = CHAIN_CHART;
  return (layout?.height ?? 0) + headerOffset + margin.top + margin.bottom + 24;
}
