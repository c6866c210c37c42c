import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { taxonomy as fetchTaxonomy } from './api/endpoints';
import type { ChainStage, Segment, Taxonomy } from './api/types';
import { useI18n } from './i18n/context';

interface TaxonomyCtx {
  data: Taxonomy | null;
  segment(code: string): Segment | undefined;
  segmentName(code: string): string;
  industryName(code: string): string;
  /** Tree for the segment picker: industry → 上游/中游/下游 → segments. */
  tree: { title: string; value: string; selectable?: boolean; children?: unknown[] }[];
}

const Ctx = createContext<TaxonomyCtx | null>(null);
export const CHAIN_STAGES: ChainStage[] = ['upstream', 'midstream', 'downstream'];

export function TaxonomyProvider({ children }: { children: ReactNode }) {
  const [data, setData] = useState<Taxonomy | null>(null);
  const { named, t } = useI18n();
  useEffect(() => {
    let cancelled = false;
    fetchTaxonomy()
      .then((d) => !cancelled && setData(d))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  const value = useMemo<TaxonomyCtx>(() => {
    const bySegment = new Map((data?.segments ?? []).map((s) => [s.code, s]));
    const byIndustry = new Map((data?.industries ?? []).map((i) => [i.code, i]));
    const tree = (data?.industries ?? []).map((ind) => ({
      title: named(ind),
      value: `industry:${ind.code}`,
      selectable: false,
      children: CHAIN_STAGES.map((stage) => ({
        title: `${named(ind)} · ${t(stage)}`,
        value: `stage:${ind.code}:${stage}`,
        selectable: false,
        children: data!.segments
          .filter((s) => s.industry === ind.code && s.stage === stage)
          .map((s) => ({ title: named(s), value: s.code })),
      })).filter((g) => g.children.length),
    }));
    return {
      data,
      segment: (code) => bySegment.get(code),
      segmentName: (code) => {
        const s = bySegment.get(code);
        return s ? named(s) : code;
      },
      industryName: (code) => {
        const i = byIndustry.get(code);
        return i ? named(i) : code;
      },
      tree,
    };
  }, [data, named, t]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useTaxonomy(): TaxonomyCtx {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useTaxonomy outside TaxonomyProvider');
  return ctx;
}
