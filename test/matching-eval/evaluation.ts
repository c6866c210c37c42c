import { MAX_PARTNERS, matchLead } from '../../libs/matching/engine';
import type { TaxonomyGraph } from '../../libs/taxonomy/taxonomy';
import type { EvalEnterprise } from './base';
import labelled from './labelled-leads.json';

/**
 * Scores the matching engine against an expert's judgement (DESIGN §10 "quality is measured"):
 * each proposed partner is graded by what it makes — key (2) when it makes a segment the expert
 * calls a key partner of the lead, acceptable (1), irrelevant (0) — and the top 10 is measured
 * with precision@10 (share graded key), acceptable@10 (share graded key or acceptable) and
 * nDCG@10 (graded gain against the best 10 the base could have offered).
 */

export interface LabelledSegment {
  segment: string;
  why: string;
}
export interface LabelledLead {
  id: string;
  title: string;
  jurisdiction: 'beibei' | 'mianyang';
  segments: string[];
  plannedInvestmentWan: number;
  key: LabelledSegment[];
  acceptable: LabelledSegment[];
}

export const LABELLED_LEADS = (labelled as { leads: LabelledLead[] }).leads;
export const K = MAX_PARTNERS;
export const TARGETS = { precisionOverall: 0.8, precisionPerIndustry: 0.7 } as const;

export type Grade = 0 | 1 | 2;

/** What an enterprise is worth to the lead: the best label among what it makes beyond the lead's own segments. */
export function gradeOf(lead: LabelledLead, segments: readonly string[]): Grade {
  let best: Grade = 0;
  for (const s of segments) {
    if (lead.segments.includes(s)) continue;
    if (lead.key.some((k) => k.segment === s)) return 2;
    if (lead.acceptable.some((a) => a.segment === s)) best = 1;
  }
  return best;
}

export const precisionAt = (grades: readonly number[], k = K) =>
  grades.slice(0, k).filter((g) => g === 2).length / k;
export const acceptableAt = (grades: readonly number[], k = K) =>
  grades.slice(0, k).filter((g) => g >= 1).length / k;

/** nDCG@k with linear gain; `available` are the grades of every enterprise that could be proposed. */
export function ndcgAt(grades: readonly number[], available: readonly number[], k = K): number {
  const dcg = (gs: readonly number[]) => gs.slice(0, k).reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  const ideal = dcg([...available].sort((a, b) => b - a));
  return ideal === 0 ? 0 : dcg(grades) / ideal;
}

/** Problems in the labelled set (unknown segments, double labels, missing justifications). */
export function labelProblems(leads: readonly LabelledLead[], graph: TaxonomyGraph): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const l of leads) {
    if (ids.has(l.id)) problems.push(`${l.id}: duplicate id`);
    ids.add(l.id);
    if (!l.segments.length) problems.push(`${l.id}: no segments`);
    if (!(l.plannedInvestmentWan > 0)) problems.push(`${l.id}: no planned investment`);
    if (!l.key.length) problems.push(`${l.id}: no key partner`);
    const seen = new Set<string>();
    for (const s of l.segments) if (!graph.hasSegment(s)) problems.push(`${l.id}: unknown segment ${s}`);
    for (const x of [...l.key, ...l.acceptable]) {
      if (!graph.hasSegment(x.segment)) problems.push(`${l.id}: unknown segment ${x.segment}`);
      if (seen.has(x.segment)) problems.push(`${l.id}: ${x.segment} labelled twice`);
      if (l.segments.includes(x.segment)) problems.push(`${l.id}: ${x.segment} is the lead's own segment`);
      if (!x.why?.trim()) problems.push(`${l.id}: ${x.segment} has no justification`);
      seen.add(x.segment);
    }
  }
  return problems;
}

export interface Proposal {
  enterprise: EvalEnterprise;
  relation: string;
  score: number;
  grade: Grade;
  reason: string;
}

export interface LeadResult {
  lead: LabelledLead;
  industry: string;
  proposals: Proposal[];
  precision: number;
  acceptable: number;
  ndcg: number;
}

/**
 * Runs the production engine (the same pure function the queue calls; its candidate index is
 * proven to give the ranking of scoring every enterprise) on each lead against the whole base.
 */
export function evaluate(
  graph: TaxonomyGraph,
  base: readonly EvalEnterprise[],
  leads: readonly LabelledLead[] = LABELLED_LEADS,
): LeadResult[] {
  const byId = new Map(base.map((e) => [e.id, e]));
  return leads.map((lead) => {
    const engineLead = {
      id: `00000000-0000-4000-8000-${lead.id
        .replace(/[^0-9a-z]/g, '')
        .padStart(12, '0')
        .slice(-12)}`,
      jurisdiction: lead.jurisdiction,
      segments: lead.segments,
      landNeedMu: null,
      plannedInvestmentWan: lead.plannedInvestmentWan,
    };
    const result = matchLead({
      graph,
      lead: engineLead,
      enterprises: base,
      parks: [],
      clusterCounts: new Map(),
    });
    const proposals = result.partners.map((p) => {
      const e = byId.get(p.enterpriseId)!;
      return {
        enterprise: e,
        relation: p.relation,
        score: p.score,
        grade: gradeOf(lead, e.segments),
        reason: p.reasons.map((r) => r.text).join('；'),
      };
    });
    const grades = proposals.map((p) => p.grade);
    const available = base
      .filter((e) => e.segments.some((s) => !lead.segments.includes(s)))
      .map((e) => gradeOf(lead, e.segments));
    return {
      lead,
      industry: graph.industryOf(lead.segments[0]) ?? '?',
      proposals,
      precision: precisionAt(grades),
      acceptable: acceptableAt(grades),
      ndcg: ndcgAt(grades, available),
    };
  });
}

export interface Figures {
  leads: number;
  precision: number;
  acceptable: number;
  ndcg: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const figures = (rs: readonly LeadResult[]): Figures => ({
  leads: rs.length,
  precision: mean(rs.map((r) => r.precision)),
  acceptable: mean(rs.map((r) => r.acceptable)),
  ndcg: mean(rs.map((r) => r.ndcg)),
});

/** Mean figures per industry (in the order given) and overall. */
export function summarize(
  results: readonly LeadResult[],
  industries: readonly string[],
): { byIndustry: Map<string, Figures>; overall: Figures } {
  return {
    byIndustry: new Map(industries.map((i) => [i, figures(results.filter((r) => r.industry === i))])),
    overall: figures(results),
  };
}

/** The leads the engine serves worst: lowest nDCG@10, then lowest precision, then id. */
export function worst(results: readonly LeadResult[], n = 5): LeadResult[] {
  return [...results]
    .sort((a, b) => a.ndcg - b.ndcg || a.precision - b.precision || (a.lead.id < b.lead.id ? -1 : 1))
    .slice(0, n);
}
