import type { TaxonomyGraph } from '../taxonomy/taxonomy';

/** Machine codes of DESIGN §10 (stable strings: partner systems and the web UI read them). */
export const REASON_CODES = [
  'DECLARED_NEED',
  'DIRECT_UPSTREAM',
  'DIRECT_DOWNSTREAM',
  'TWO_HOP_CHAIN',
  'CROSS_CITY',
  'CHAIN_LEADER',
  'PARK_TARGET_SEGMENT',
  'PARK_TARGET_INDUSTRY',
  'CHAIN_FOCUS',
  'CLUSTER_STRENGTH',
  'FILLS_CHAIN_GAP',
  'CO_BUILT_PARK',
  'LAND_SHORT',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A reason as stored: both languages, so the API can answer in the caller's locale. */
export interface Reason {
  code: ReasonCode;
  text: string;
  textEn: string;
}

export const JURISDICTION_NAMES: Record<string, { zh: string; en: string }> = {
  beibei: { zh: '北碚区', en: 'Beibei' },
  mianyang: { zh: '绵阳市', en: 'Mianyang' },
};

/** Renders reason sentences from segment and industry codes with the taxonomy's names. */
export class ReasonWriter {
  constructor(
    private readonly graph: TaxonomyGraph,
    private readonly jurisdictions: Record<string, { zh: string; en: string }> = JURISDICTION_NAMES,
  ) {}

  private seg(code: string): { zh: string; en: string } {
    const s = this.graph.segmentByCode.get(code);
    return { zh: s?.name ?? code, en: s?.nameEn ?? code };
  }

  private segs(codes: readonly string[]): { zh: string; en: string } {
    const names = codes.map((c) => this.seg(c));
    return { zh: names.map((n) => n.zh).join('、'), en: names.map((n) => n.en).join(', ') };
  }

  private industry(code: string): { zh: string; en: string } {
    const i = this.graph.industryByCode.get(code);
    return { zh: i?.name ?? code, en: i?.nameEn ?? code };
  }

  private place(code: string): { zh: string; en: string } {
    return this.jurisdictions[code] ?? { zh: code, en: code };
  }

  private path(codes: readonly string[]): { zh: string; en: string } {
    const names = codes.map((c) => this.seg(c));
    return { zh: names.map((n) => n.zh).join(' → '), en: names.map((n) => n.en).join(' → ') };
  }

  declaredNeed(leadSegments: readonly string[]): Reason {
    const s = this.segs(leadSegments);
    return {
      code: 'DECLARED_NEED',
      text: `企业登记的采购需求包含本项目环节：${s.zh}`,
      textEn: `Declared demand for the project's segment: ${s.en}`,
    };
  }

  directUpstream(from: string, to: string): Reason {
    const p = this.path([from, to]);
    return {
      code: 'DIRECT_UPSTREAM',
      text: `上游配套，可为本项目供货：${p.zh}`,
      textEn: `Upstream supplier to the project: ${p.en}`,
    };
  }

  directDownstream(from: string, to: string): Reason {
    const p = this.path([from, to]);
    return {
      code: 'DIRECT_DOWNSTREAM',
      text: `下游客户，本项目可为其供货：${p.zh}`,
      textEn: `Downstream customer of the project: ${p.en}`,
    };
  }

  twoHop(path: readonly string[], relation: 'upstream' | 'downstream'): Reason {
    const p = this.path(path);
    return relation === 'upstream'
      ? {
          code: 'TWO_HOP_CHAIN',
          text: `经一个中间环节的上游链接：${p.zh}`,
          textEn: `Upstream through one intermediate segment: ${p.en}`,
        }
      : {
          code: 'TWO_HOP_CHAIN',
          text: `经一个中间环节的下游链接：${p.zh}`,
          textEn: `Downstream through one intermediate segment: ${p.en}`,
        };
  }

  crossCity(jurisdiction: string): Reason {
    const j = this.place(jurisdiction);
    return {
      code: 'CROSS_CITY',
      text: `跨城协同：企业位于${j.zh}`,
      textEn: `Cross-city partner in ${j.en}`,
    };
  }

  chainLeader(): Reason {
    return { code: 'CHAIN_LEADER', text: '链主企业', textEn: 'Chain leader enterprise' };
  }

  parkTargetSegment(segments: readonly string[]): Reason {
    const s = this.segs(segments);
    return {
      code: 'PARK_TARGET_SEGMENT',
      text: `园区主导环节包含本项目环节：${s.zh}`,
      textEn: `The park targets the project's segment: ${s.en}`,
    };
  }

  parkTargetIndustry(industries: readonly string[]): Reason {
    const names = industries.map((i) => this.industry(i));
    return {
      code: 'PARK_TARGET_INDUSTRY',
      text: `园区主导产业与本项目相同：${names.map((n) => n.zh).join('、')}`,
      textEn: `The park targets the project's industry: ${names.map((n) => n.en).join(', ')}`,
    };
  }

  chainFocus(onChain: number, total: number): Reason {
    return {
      code: 'CHAIN_FOCUS',
      text: `园区 ${onChain}/${total} 个主导环节与本项目处于同一产业链`,
      textEn: `${onChain} of ${total} target segments of the park are on the project's chain`,
    };
  }

  clusterStrength(count: number): Reason {
    return {
      code: 'CLUSTER_STRENGTH',
      text: `园区所在地已有相关及相邻环节企业 ${count} 家`,
      textEn: `${count} enterprises in the project's and adjacent segments in the park's region`,
    };
  }

  fillsChainGap(leadSegments: readonly string[], adjacentCount: number): Reason {
    const s = this.segs(leadSegments);
    return {
      code: 'FILLS_CHAIN_GAP',
      text: `补链：当地尚无${s.zh}企业，而相邻环节已有 ${adjacentCount} 家`,
      textEn: `Fills a chain gap: no ${s.en} enterprise in the region yet, ${adjacentCount} in adjacent segments`,
    };
  }

  coBuiltPark(): Reason {
    return {
      code: 'CO_BUILT_PARK',
      text: '绵阳—北碚共建合作园区，两地共享政策与资源',
      textEn: 'The co-built Mianyang–Beibei park: both cities share its policies and resources',
    };
  }

  landShort(needMu: number, availableMu: number): Reason {
    return {
      code: 'LAND_SHORT',
      text: `用地不足：项目需 ${needMu} 亩，园区可用 ${availableMu} 亩`,
      textEn: `Not enough land: the project needs ${needMu} mu, the park has ${availableMu} mu`,
    };
  }
}

/** The reason as the API shows it: `text` in the caller's locale (DESIGN §10). */
export function localizeReason(r: Reason, locale: 'zh-CN' | 'en'): { code: ReasonCode; text: string } {
  return { code: r.code, text: locale === 'en' ? (r.textEn ?? r.text) : r.text };
}
