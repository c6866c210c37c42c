import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import type { PartnerLink } from './engine';
import type { SizeFit } from './size-fit';

/**
 * Machine codes of DESIGN §10 (stable strings: partner systems and the web UI read them).
 * A partner's first reason is CORE_LINK or SUPPORTING_LINK: the strength of the link it is proposed
 * for, naming the link ("为动力电池电芯提供正极材料（核心配套）") with the edge's reason; SIZE_FIT
 * and SIZE_GAP say how the enterprise's size suits the lead's planned investment.
 */
export const REASON_CODES = [
  'CORE_LINK',
  'SUPPORTING_LINK',
  'DECLARED_NEED',
  'DIRECT_UPSTREAM',
  'DIRECT_DOWNSTREAM',
  'TWO_HOP_CHAIN',
  'CROSS_CITY',
  'CHAIN_LEADER',
  'SIZE_FIT',
  'SIZE_GAP',
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

/** Sentences a writer keeps before starting over (a few MB at most). */
const MADE_LIMIT = 50_000;

/** Renders reason sentences from segment and industry codes with the taxonomy's names. */
export class ReasonWriter {
  /**
   * Reasons that depend only on their arguments, made once per writer: a worker matching
   * thousands of leads writes the same few hundred link sentences over and over. They are frozen:
   * matches share them.
   */
  private readonly made = new Map<string, Reason>();
  /** The links of a lead's chain are shared too (engine.leadChain): their sentences by object. */
  private readonly byLink = new WeakMap<PartnerLink, { link?: Reason; kind?: Reason }>();

  constructor(
    private readonly graph: TaxonomyGraph,
    private readonly jurisdictions: Record<string, { zh: string; en: string }> = JURISDICTION_NAMES,
  ) {}

  private once(key: string, make: () => Reason): Reason {
    let r = this.made.get(key);
    if (!r) {
      // Sizes make many distinct sentences: a long-running worker starts over now and then.
      if (this.made.size >= MADE_LIMIT) this.made.clear();
      this.made.set(key, (r = Object.freeze(make())));
    }
    return r;
  }

  private ofLink(link: PartnerLink): { link?: Reason; kind?: Reason } {
    let made = this.byLink.get(link);
    if (!made) this.byLink.set(link, (made = {}));
    return made;
  }

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

  /** CORE_LINK / SUPPORTING_LINK: the link a partner is proposed for, named, with why it matters. */
  link(link: PartnerLink): Reason {
    const made = this.ofLink(link);
    return (made.link ??= this.once(
      `link|${link.kind}|${link.relation}|${link.strength}|${link.path.join('>')}`,
      () => this.writeLink(link),
    ));
  }

  private writeLink(link: PartnerLink): Reason {
    const core = link.strength === 'core';
    const tag = core ? { zh: '核心配套', en: 'core link' } : { zh: '一般配套', en: 'supporting link' };
    const [first, middle, last] = link.path.map((c) => this.seg(c));
    let zh: string;
    let en: string;
    if (link.kind === 'need') {
      zh = middle ? `登记采购${first.zh}，用于${middle.zh}` : `登记采购${first.zh}`;
      en = middle ? `Declares it buys ${first.en} for ${middle.en}` : `Declares it buys ${first.en}`;
    } else if (link.relation === 'upstream') {
      zh = last ? `经${middle.zh}间接为${last.zh}提供${first.zh}` : `为${middle.zh}提供${first.zh}`;
      en = last
        ? `Supplies ${first.en} to the project's ${last.en} through ${middle.en}`
        : `Supplies ${first.en} to the project's ${middle.en}`;
    } else {
      zh = last
        ? `本项目经${middle.zh}间接为${last.zh}提供${first.zh}`
        : `本项目为${middle.zh}提供${first.zh}`;
      en = last
        ? `The project supplies ${first.en} to ${last.en} through ${middle.en}`
        : `The project supplies ${first.en} to ${middle.en}`;
    }
    // Why the edge has its strength is the edge's own reason (GET /taxonomy): stored matches stay
    // short, and do not all change when that wording is refined.
    return {
      code: core ? 'CORE_LINK' : 'SUPPORTING_LINK',
      text: `${zh}（${tag.zh}）`,
      textEn: `${en} (${tag.en})`,
    };
  }

  /** The kind of a link: DECLARED_NEED, DIRECT_UPSTREAM, DIRECT_DOWNSTREAM or TWO_HOP_CHAIN. */
  linkKind(link: PartnerLink): Reason {
    const made = this.ofLink(link);
    return (made.kind ??= this.once(`kind|${link.kind}|${link.relation}|${link.path.join('>')}`, () =>
      this.writeLinkKind(link),
    ));
  }

  private writeLinkKind(link: PartnerLink): Reason {
    if (link.kind === 'need') return this.declaredNeed([link.path[0]]);
    if (link.kind === 'twoHop') return this.twoHop(link.path, link.relation);
    const [from, to] = link.path;
    return link.relation === 'upstream' ? this.directUpstream(from, to) : this.directDownstream(from, to);
  }

  /** SIZE_FIT or SIZE_GAP; null when the enterprise's size is unknown. */
  size(fit: SizeFit, revenueWan: number | null, employees: number | null, plannedWan: number): Reason | null {
    if (!(revenueWan != null && revenueWan > 0) && !(employees != null && employees > 0)) return null;
    return this.once(`size|${fit}|${revenueWan}|${employees}|${fit === 'fit' ? '' : plannedWan}`, () =>
      this.writeSize(fit, revenueWan, employees, plannedWan)!,
    );
  }

  private writeSize(
    fit: SizeFit,
    revenueWan: number | null,
    employees: number | null,
    plannedWan: number,
  ): Reason | null {
    const size =
      revenueWan != null && revenueWan > 0
        ? { zh: `年营收约${yuanZh(revenueWan)}`, en: `revenue about ${yuanEn(revenueWan)}` }
        : employees != null && employees > 0
          ? { zh: `员工约${employees}人`, en: `about ${employees} staff` }
          : null;
    if (!size) return null;
    const plan = fit === 'fit' ? { zh: '', en: '' } : { zh: yuanZh(plannedWan), en: yuanEn(plannedWan) };
    switch (fit) {
      case 'fit':
        return { code: 'SIZE_FIT', text: `规模匹配：${size.zh}`, textEn: `Size fits: ${size.en}` };
      case 'tooSmall':
        return {
          code: 'SIZE_GAP',
          text: `规模偏小：${size.zh}，项目投资${plan.zh}`,
          textEn: `Small for a ${plan.en} project: ${size.en}`,
        };
      case 'farTooSmall':
        return {
          code: 'SIZE_GAP',
          text: `规模过小：${size.zh}，项目投资${plan.zh}`,
          textEn: `Far too small for a ${plan.en} project: ${size.en}`,
        };
      case 'tooLarge':
        return {
          code: 'SIZE_GAP',
          text: `规模悬殊：${size.zh}，项目投资${plan.zh}`,
          textEn: `Much larger than a ${plan.en} project: ${size.en}`,
        };
    }
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
    return this.once(`city|${jurisdiction}`, () => {
      const j = this.place(jurisdiction);
      return {
        code: 'CROSS_CITY',
        text: `跨城协同：企业位于${j.zh}`,
        textEn: `Cross-city partner in ${j.en}`,
      };
    });
  }

  chainLeader(): Reason {
    return this.once('leader', () => ({
      code: 'CHAIN_LEADER',
      text: '链主企业',
      textEn: 'Chain leader enterprise',
    }));
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

const oneDecimal = (x: number) => (x >= 100 ? String(Math.round(x)) : String(Math.round(x * 10) / 10));
/** An amount in 万元 as people say it: 800万元, 3.2亿元, 320亿元. */
export function yuanZh(wan: number): string {
  return wan >= 10_000 ? `${oneDecimal(wan / 10_000)}亿元` : `${Math.round(wan)}万元`;
}
/** An amount in 万元 in English: CNY 8 million, CNY 3.2 billion. */
export function yuanEn(wan: number): string {
  const cny = wan * 10_000;
  return cny >= 1e9 ? `CNY ${oneDecimal(cny / 1e9)} billion` : `CNY ${oneDecimal(cny / 1e6)} million`;
}

/** The strength of the link a stored partner match was proposed for (its CORE_LINK / SUPPORTING_LINK reason). */
export function linkStrength(reasons: readonly { code: string }[] | null): 'core' | 'supporting' | null {
  for (const r of reasons ?? []) {
    if (r.code === 'CORE_LINK') return 'core';
    if (r.code === 'SUPPORTING_LINK') return 'supporting';
  }
  return null;
}

/** The reason as the API shows it: `text` in the caller's locale (DESIGN §10). */
export function localizeReason(r: Reason, locale: 'zh-CN' | 'en'): { code: ReasonCode; text: string } {
  return { code: r.code, text: locale === 'en' ? (r.textEn ?? r.text) : r.text };
}
