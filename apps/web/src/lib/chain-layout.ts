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
