import { normaliseInvestorName } from '../leads/investor-name';
import { checkFactDate, factErrors, fundsTotal } from '../leads/lead-milestones';
import { REFERENCE_DATA, TaxonomyGraph, referenceTaxonomy } from '../taxonomy/taxonomy';
import { isValidUscc } from '../uscc/uscc';
import {
  LEAD_STAGES,
  makeEnterprise,
  makeLead,
  makeOutsideInvestor,
  organisationCode,
  usccFor,
} from './demo-data';
import { Rng } from './random';

const graph = new TaxonomyGraph(referenceTaxonomy());
const SEED = 20261127;
const NOW = Date.parse('2026-11-27T00:00:00Z');
const owners = { beibei: ['b-officer'], mianyang: ['m-officer'] } as const;
const leadOptions = { seed: SEED, enterpriseCount: 300, owners, now: NOW };
const HAN = /\p{Script=Han}/u;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('demo data generators', () => {
  const enterprises = range(1000).map((i) => makeEnterprise(SEED, i));
  const leads = range(1000).map((i) => makeLead(leadOptions, i));

  it('is deterministic: the same seed and index give the same record', () => {
    expect(makeEnterprise(SEED, 42)).toEqual(makeEnterprise(SEED, 42));
    expect(makeLead(leadOptions, 42)).toEqual(makeLead(leadOptions, 42));
    expect(makeEnterprise(SEED + 1, 42).uscc.slice(8, 17)).toBe(makeEnterprise(SEED, 42).uscc.slice(8, 17));
    expect(makeEnterprise(SEED + 1, 42).id).not.toBe(makeEnterprise(SEED, 42).id);
    const a = new Rng(7);
    const b = new Rng(7);
    expect(range(20).map(() => a.next())).toEqual(range(20).map(() => b.next()));
  });

  it('makes Chinese enterprise names with a city prefix, an industry word and a legal form', () => {
    for (const e of enterprises) {
      expect(e.name).toMatch(HAN);
      expect(e.name).toMatch(/^(重庆|北碚|绵阳|四川)/);
      expect(e.name).toMatch(/(有限公司|有限责任公司)$/);
      if (e.jurisdiction === 'beibei') expect(e.name).toMatch(/^(重庆|北碚)/);
      else expect(e.name).toMatch(/^(绵阳|四川)/);
    }
    expect(new Set(enterprises.map((e) => e.name)).size).toBeGreaterThan(900);
  });

  it('gives every enterprise a valid, unique USCC registered in its own city', () => {
    for (const e of enterprises) {
      expect(isValidUscc(e.uscc)).toBe(true);
      expect(e.uscc.slice(0, 2)).toBe('91');
      expect(e.uscc.slice(2, 6)).toBe(e.jurisdiction === 'beibei' ? '5001' : '5107');
    }
    expect(new Set(enterprises.map((e) => e.uscc)).size).toBe(enterprises.length);
  });

  it('makes organisation codes with a GB 11714 check character, distinct per serial', () => {
    const codes = range(5000).map(organisationCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^\d{8}[0-9X]$/);
    expect(isValidUscc(usccFor('500109', 123))).toBe(true);
  });

  it('keeps segments within one industry and needs among the suppliers of those segments', () => {
    for (const e of enterprises) {
      expect(e.segments.length).toBeGreaterThanOrEqual(1);
      expect(e.segments.length).toBeLessThanOrEqual(2);
      expect(graph.industriesOf(e.segments)).toHaveLength(1);
      for (const n of e.needs) {
        expect(e.segments.some((s) => (graph.suppliedBy.get(s) ?? []).includes(n))).toBe(true);
      }
    }
  });

  it('covers both cities, all industries and chain stages, with about 5% chain leaders', () => {
    const first300 = enterprises.slice(0, 300);
    expect(new Set(first300.map((e) => e.jurisdiction))).toEqual(new Set(['beibei', 'mianyang']));
    expect(new Set(first300.flatMap((e) => graph.industriesOf(e.segments))).size).toBe(
      REFERENCE_DATA.industries.length,
    );
    const stages = new Set(first300.flatMap((e) => e.segments.map((s) => graph.segmentByCode.get(s)!.stage)));
    expect(stages).toEqual(new Set(['upstream', 'midstream', 'downstream']));
    const leaders = enterprises.filter((e) => e.chainLeader);
    expect(leaders.length).toBe(50);
    for (const l of leaders) expect(l.tags).toContain('链主企业');
  });

  it('makes leads with consistent segments and industries, every stage, both sharing modes', () => {
    const first100 = leads.slice(0, 100);
    expect(new Set(first100.map((l) => l.stage))).toEqual(new Set(LEAD_STAGES));
    for (const j of ['beibei', 'mianyang']) {
      const mine = first100.filter((l) => l.jurisdiction === j);
      expect(new Set(mine.map((l) => l.sharing))).toEqual(new Set(['private', 'shared']));
    }
    for (const l of leads) {
      expect(l.segments.length).toBeGreaterThanOrEqual(1);
      expect(l.industries).toEqual(graph.industriesOf(l.segments));
      expect(l.title).toMatch(/项目$/);
      expect(l.summary).toMatch(HAN);
      expect(l.ownerId).toBe(l.jurisdiction === 'beibei' ? 'b-officer' : 'm-officer');
      expect(l.investor.norm).toBe(normaliseInvestorName(l.investor.name));
      if (l.investor.uscc !== null) expect(isValidUscc(l.investor.uscc)).toBe(true);
      if (l.confidential) expect(l.codeName).toMatch(/项目$/);
      else expect(l.codeName).toBeNull();
      expect(l.resumeStage === null).toBe(l.stage !== 'on_hold');
      expect(l.plannedInvestmentWan).toBeGreaterThan(0);
      expect(l.updatedAt.getTime()).toBeGreaterThanOrEqual(l.createdAt.getTime());
      for (const c of l.contacts) {
        expect(c.name).toMatch(/^\p{Script=Han}{2,3}$/u);
        if (c.phone) expect(c.phone).toMatch(/^1[3-9]\d{9}$/);
        if (c.email) expect(c.email).toMatch(/^[a-z.]+@[a-z]+\.(com|com\.cn)$/);
      }
    }
  });

  it('names existing enterprises, outside companies and foreign investors with a country', () => {
    const fromBase = leads.filter((l) => l.investor.enterpriseId !== null);
    const foreign = leads.filter((l) => l.investor.country !== null);
    expect(fromBase.length).toBeGreaterThan(150);
    expect(foreign.length).toBeGreaterThan(50);
    for (const l of fromBase) {
      const match = enterprises.find((e) => e.id === l.investor.enterpriseId);
      expect(match?.name).toBe(l.investor.name);
      expect(match?.uscc).toBe(l.investor.uscc);
    }
    for (const l of foreign) {
      expect(l.investor.country).toMatch(/^[A-Z]{2}$/);
      expect(l.investor.uscc).toBeNull();
    }
    expect(makeOutsideInvestor(SEED, 11)).toEqual(makeOutsideInvestor(SEED, 11));
  });
});

describe('demo leads carry milestone facts (DESIGN §6) and partner summaries (§5)', () => {
  const leads = range(1000).map((i) => makeLead(leadOptions, i));

  it('gives every lead the facts its stage needs, valid and in order', () => {
    let signed = 0;
    for (const l of leads) {
      const facts = {
        signedAt: l.signedAt,
        contractAmountWan: l.contractAmountWan,
        projectUscc: l.projectUscc,
        startedAt: l.startedAt,
        operatingAt: l.operatingAt,
      };
      expect(factErrors(l.stage, l.resumeStage, facts, l.fundsInPlace)).toEqual([]);
      if (l.projectUscc) expect(isValidUscc(l.projectUscc)).toBe(true);
      for (const day of [l.signedAt, l.startedAt, l.operatingAt, ...l.fundsInPlace.map((f) => f.at)])
        if (day) expect(checkFactDate(day, NOW)).toBeNull();
      if (l.startedAt) expect(l.startedAt >= l.signedAt!).toBe(true);
      if (l.operatingAt) expect(l.operatingAt >= l.startedAt!).toBe(true);
      if (l.signedAt) {
        signed++;
        expect(fundsTotal(l.fundsInPlace)).toBeLessThanOrEqual(l.contractAmountWan!);
      } else expect(l.fundsInPlace).toEqual([]);
    }
    expect(signed).toBeGreaterThan(100);
    expect(leads.some((l) => l.fundsInPlace.length > 1)).toBe(true);
  });

  it('writes a partner summary for confidential leads that does not name the investor', () => {
    const confidential = leads.filter((l) => l.confidential);
    expect(confidential.length).toBeGreaterThan(20);
    for (const l of confidential) {
      expect(l.partnerSummary).toContain(l.codeName!);
      expect(l.partnerSummary).not.toContain(l.investor.name);
    }
    expect(leads.filter((l) => !l.confidential).every((l) => l.partnerSummary === null)).toBe(true);
  });
});
