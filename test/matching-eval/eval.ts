/**
 * Matching quality evaluation (DESIGN §10): `npm run eval:matching`.
 *
 * Builds the fixed evaluation base (base.ts, deterministic), matches every labelled lead of
 * labelled-leads.json with the production engine, and prints precision@10, acceptable@10 and
 * nDCG@10 per industry and overall, the targets, and the five leads served worst with what was
 * proposed. EVAL_SHOW=nev-01,ngit-02 prints those leads' proposals too.
 */
import { ALGORITHM_VERSION } from '../../libs/matching/engine';
import { TaxonomyGraph, referenceTaxonomy } from '../../libs/taxonomy/taxonomy';
import { buildEvalBase } from './base';
import {
  K,
  LABELLED_LEADS,
  LeadResult,
  TARGETS,
  evaluate,
  labelProblems,
  summarize,
  worst,
} from './evaluation';

const graph = new TaxonomyGraph(referenceTaxonomy());
const problems = labelProblems(LABELLED_LEADS, graph);
if (problems.length) {
  console.error(`labelled set has problems:\n${problems.join('\n')}`);
  process.exit(1);
}
const base = buildEvalBase(graph.taxonomy.segments);
const results = evaluate(graph, base);
const industries = graph.taxonomy.industries.map((i) => i.code);
const { byIndustry, overall } = summarize(results, industries);

const f2 = (x: number) => x.toFixed(2);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const GRADE_MARK = ['  ', ' ~', ' ✓'] as const;
const segmentName = (code: string) => graph.segmentByCode.get(code)?.name ?? code;

console.log(`matching evaluation — algorithm ${ALGORITHM_VERSION}`);
console.log(
  `${LABELLED_LEADS.length} labelled leads, ${base.length} enterprises in the evaluation base, top ${K} partners each`,
);
console.log('');
console.log(`industry      leads  precision@${K}  acceptable@${K}  nDCG@${K}`);
const row = (name: string, f: { leads: number; precision: number; acceptable: number; ndcg: number }) =>
  console.log(
    `${name.padEnd(13)} ${String(f.leads).padStart(5)}  ${f2(f.precision).padStart(12)}  ${f2(f.acceptable).padStart(13)}  ${f2(f.ndcg).padStart(7)}`,
  );
for (const [industry, f] of byIndustry) row(industry, f);
row('overall', overall);
console.log('');
const weakest = [...byIndustry.values()].reduce((m, f) => Math.min(m, f.precision), 1);
console.log(
  `target precision@${K} ≥ ${TARGETS.precisionOverall} overall: ${verdict(overall.precision >= TARGETS.precisionOverall)}; ≥ ${TARGETS.precisionPerIndustry} in every industry: ${verdict(weakest >= TARGETS.precisionPerIndustry)}`,
);

const show = (r: LeadResult) => {
  console.log('');
  console.log(
    `${r.lead.id} ${r.lead.title} [${r.lead.segments.map(segmentName).join(' + ')}, ${r.lead.jurisdiction}, ${r.lead.plannedInvestmentWan} 万元]  precision ${f2(r.precision)}  acceptable ${f2(r.acceptable)}  nDCG ${f2(r.ndcg)}`,
  );
  console.log(`  key: ${r.lead.key.map((k) => segmentName(k.segment)).join('、')}`);
  if (!r.proposals.length) console.log('  (no partner proposed)');
  r.proposals.forEach((p, i) => {
    const e = p.enterprise;
    console.log(
      `  ${GRADE_MARK[p.grade]} ${String(i + 1).padStart(2)}. ${e.name.padEnd(16)} ${p.relation.padEnd(10)} ${p.score.toFixed(3)}  ${e.segments.map(segmentName).join('+')}${e.chainLeader ? ' 链主' : ''}  ${p.reason}`,
    );
  });
};

console.log('');
console.log(`worst five leads (✓ key, ~ acceptable):`);
for (const r of worst(results)) show(r);
const extra = (process.env.EVAL_SHOW ?? '').split(',').filter(Boolean);
for (const id of extra) {
  const r = results.find((x) => x.lead.id === id);
  if (r) show(r);
  else console.log(`\n${id}: no such labelled lead`);
}
