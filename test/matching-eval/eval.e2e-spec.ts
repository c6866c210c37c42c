import { TaxonomyGraph, referenceTaxonomy } from '../../libs/taxonomy/taxonomy';
import { buildEvalBase } from './base';
import {
  LABELLED_LEADS,
  LabelledLead,
  TARGETS,
  acceptableAt,
  evaluate,
  gradeOf,
  labelProblems,
  ndcgAt,
  precisionAt,
  summarize,
  worst,
} from './evaluation';

/**
 * The matching evaluation (npm run eval:matching) as a test: the labelled set is well formed, the
 * metrics mean what they say, and the engine meets the targets on it (DESIGN §10).
 */
describe('matching evaluation', () => {
  const graph = new TaxonomyGraph(referenceTaxonomy());
  const industries = graph.taxonomy.industries.map((i) => i.code);

  it('has at least 40 labelled leads, 8 per industry, each label justified', () => {
    expect(labelProblems(LABELLED_LEADS, graph)).toEqual([]);
    expect(LABELLED_LEADS.length).toBeGreaterThanOrEqual(40);
    for (const i of industries)
      expect(
        LABELLED_LEADS.filter((l) => graph.industryOf(l.segments[0]) === i).length,
      ).toBeGreaterThanOrEqual(8);
    const broken: LabelledLead = {
      ...LABELLED_LEADS[0],
      key: [{ segment: 'nev.nothing', why: '' }, ...LABELLED_LEADS[0].key],
      acceptable: [{ segment: LABELLED_LEADS[0].key[0].segment, why: 'x' }],
    };
    expect(labelProblems([broken, broken], graph)).toEqual(
      expect.arrayContaining([
        `${broken.id}: duplicate id`,
        `${broken.id}: unknown segment nev.nothing`,
        `${broken.id}: nev.nothing has no justification`,
        `${broken.id}: ${broken.key[1].segment} labelled twice`,
      ]),
    );
  });

  it('grades a proposal by the best label among what it makes beyond the lead’s own segments', () => {
    const lead = LABELLED_LEADS.find((l) => l.id === 'nev-01')!;
    expect(gradeOf(lead, ['nev.cathode'])).toBe(2);
    expect(gradeOf(lead, ['nev.battery-recycling'])).toBe(1);
    expect(gradeOf(lead, ['nev.battery-recycling', 'nev.battery-pack'])).toBe(2);
    expect(gradeOf(lead, ['biomed.tcm'])).toBe(0);
    expect(gradeOf(lead, ['nev.battery-cell'])).toBe(0); // a peer
  });

  it('computes precision@10, acceptable@10 and nDCG@10', () => {
    const grades = [2, 2, 1, 0, 2, 0, 1, 2, 2, 0];
    expect(precisionAt(grades)).toBeCloseTo(0.5);
    expect(acceptableAt(grades)).toBeCloseTo(0.7);
    expect(precisionAt([2, 2])).toBeCloseTo(0.2); // fewer than 10 proposed count as misses
    expect(ndcgAt([2, 2, 1], [1, 2, 2, 0])).toBeCloseTo(1);
    expect(ndcgAt([1, 2, 2], [2, 2, 1])).toBeLessThan(1);
    expect(ndcgAt([0, 0], [0, 0])).toBe(0);
  });

  it('meets the targets: precision@10 ≥ 0.8 overall and ≥ 0.7 in every industry', () => {
    const base = buildEvalBase(graph.taxonomy.segments);
    expect(buildEvalBase(graph.taxonomy.segments)).toEqual(base); // a fixed base
    const results = evaluate(graph, base);
    const { byIndustry, overall } = summarize(results, industries);
    expect(overall.leads).toBe(LABELLED_LEADS.length);
    expect(overall.precision).toBeGreaterThanOrEqual(TARGETS.precisionOverall);
    for (const [, f] of byIndustry) expect(f.precision).toBeGreaterThanOrEqual(TARGETS.precisionPerIndustry);
    // every lead gets a full top 10 from this base
    for (const r of results) expect(r.proposals).toHaveLength(10);
    expect(worst(results)).toHaveLength(5);
  });
});
