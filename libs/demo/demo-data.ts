import { cityDay } from '../common/city-time';
import { normaliseInvestorName } from '../leads/investor-name';
import type { Jurisdiction } from '../common/request-context';
import { LEAD_STAGES, type LeadStage } from '../leads/lead-stage';
import { REFERENCE_DATA, TaxonomyGraph, referenceTaxonomy } from '../taxonomy/taxonomy';
import { withUsccCheck } from '../uscc/uscc';
import { Rng, recordRng, recordUuid } from './random';
import {
  ADDRESSES,
  CITY_NAMES,
  CODE_NAMES,
  CONTACT_TITLES,
  ENTERPRISE_TAGS,
  FOREIGN_ORIGINS,
  GIVEN_NAMES,
  INDUSTRY_WORDS_EN,
  LEGAL_FORMS,
  LOCAL_DIVISIONS,
  LOCAL_PREFIXES,
  MOBILE_PREFIXES,
  OUTSIDE_CITIES,
  PROJECT_KINDS,
  SEGMENT_WORDS,
  SURNAMES,
  TRADE_FIRST,
  TRADE_SECOND,
} from './vocabulary';

/**
 * Pure, deterministic generators of realistic demo records (DESIGN §13) shared by the demo seed
 * and the bulk data generator of the benchmarks. Record `i` of a dataset depends only on the seed
 * and `i`, so a lead can name enterprise `k` as its investor without keeping every enterprise in
 * memory, and the same seed always yields the same rows.
 */

export { LEAD_STAGES };
export type { LeadStage };
const ACTIVE_STAGES = LEAD_STAGES.slice(0, 8);
/** Pipelines are funnel-shaped: many early leads, few projects in operation. */
const STAGE_WEIGHTS = [22, 18, 14, 12, 8, 5, 4, 5, 6, 6];

export const LEAD_SOURCES = ['referral', 'event', 'inbound', 'partner_system', 'research', 'other'] as const;
const SOURCE_WEIGHTS = [25, 20, 15, 10, 20, 10];

const JURISDICTIONS: readonly Jurisdiction[] = ['beibei', 'mianyang'];

const graph = new TaxonomyGraph(referenceTaxonomy());
const INDUSTRIES = REFERENCE_DATA.industries.map((i) => i.code);
const SEGMENTS_BY_INDUSTRY = new Map(INDUSTRIES.map((i) => [i, graph.segmentsOfIndustry(i)]));

export interface DemoEnterprise {
  id: string;
  /** Stable demo key, also stored as externalRefs `{system: 'demo', id}`. */
  ref: string;
  name: string;
  uscc: string;
  jurisdiction: Jurisdiction;
  segments: string[];
  needs: string[];
  chainLeader: boolean;
  revenueWan: number;
  employees: number;
  address: string;
  tags: string[];
  /** Pinyin of the trade name, for e-mail domains. */
  pinyin: string;
}

export interface DemoContact {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
}

export interface DemoLead {
  id: string;
  ref: string;
  title: string;
  investor: {
    name: string;
    norm: string;
    uscc: string | null;
    enterpriseId: string | null;
    country: string | null;
  };
  summary: string;
  segments: string[];
  industries: string[];
  plannedInvestmentWan: number;
  landNeedMu: number | null;
  expectedJobs: number | null;
  stage: LeadStage;
  resumeStage: LeadStage | null;
  jurisdiction: Jurisdiction;
  ownerId: string | null;
  sharing: 'private' | 'shared';
  confidential: boolean;
  codeName: string | null;
  source: (typeof LEAD_SOURCES)[number];
  nextActionAt: Date | null;
  contacts: DemoContact[];
  createdAt: Date;
  updatedAt: Date;
  /** Written for the partner city on confidential leads (DESIGN §5). */
  partnerSummary: string | null;
  /** Milestone facts (DESIGN §6), consistent with the stage. */
  signedAt: string | null;
  contractAmountWan: number | null;
  projectUscc: string | null;
  startedAt: string | null;
  operatingAt: string | null;
  fundsInPlace: { at: string; amountWan: number; note?: string }[];
}

// ---------------------------------------------------------------------------------------------
// Codes

const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A 9-character organisation code (GB 11714: 8 digits + check character) for serial `n`.
 * Serials are spread over the 8-digit space by a bijection, so distinct `n` give distinct codes.
 */
export function organisationCode(n: number): string {
  const body = String(((n % 1e8) * 73_939_133 + 31_415_926) % 1e8).padStart(8, '0');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * ORG_CODE_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

/** A valid USCC for an enterprise (登记管理部门 9 = 工商, 类别 1 = 企业) registered in `division`. */
export function usccFor(division: string, serial: number): string {
  return withUsccCheck(`91${division}${organisationCode(serial)}`);
}

/** Serial ranges keep local enterprises, outside investors and foreign firms from sharing codes. */
const OUTSIDE_SERIAL_BASE = 50_000_000;

// ---------------------------------------------------------------------------------------------
// Names

function tradeName(rng: Rng): { zh: string; pinyin: string } {
  const [a, pa] = rng.pick(TRADE_FIRST);
  const [b, pb] = rng.pick(TRADE_SECOND);
  return { zh: a + b, pinyin: pa + pb };
}

function segmentWord(rng: Rng, segment: string): string {
  return rng.pick(SEGMENT_WORDS[segment] ?? ['科技']);
}

/** Chain neighbours of each segment within its own industry. */
const NEAR_IN_INDUSTRY = new Map(
  graph.taxonomy.segments.map((s) => [
    s.code,
    graph.neighbours(s.code).filter((n) => graph.industryOf(n) === s.industry),
  ]),
);
/** Segments of one industry: the first one drawn, and sometimes a chain neighbour in the same industry. */
function segmentsOf(rng: Rng, industry: string): string[] {
  const pool = SEGMENTS_BY_INDUSTRY.get(industry)!;
  const first = rng.pick(pool);
  if (rng.chance(0.3)) {
    const near = NEAR_IN_INDUSTRY.get(first)!;
    if (near.length) return [first, rng.pick(near)];
  }
  return [first];
}

function enterpriseJurisdiction(seed: number, index: number): Jurisdiction {
  return index < 2 ? JURISDICTIONS[index] : recordRng(seed, index, 7).chance(0.55) ? 'beibei' : 'mianyang';
}

/**
 * Enterprise `index` of the dataset with `seed`. The first five cover the five industries, every
 * twentieth is a chain leader (about 5%).
 */
export function makeEnterprise(seed: number, index: number): DemoEnterprise {
  const rng = recordRng(seed, index, 1);
  const jurisdiction = enterpriseJurisdiction(seed, index);
  const industry = index < INDUSTRIES.length ? INDUSTRIES[index] : rng.pick(INDUSTRIES);
  const segments = segmentsOf(rng, industry);
  const suppliers = [...new Set(segments.flatMap((s) => graph.suppliedBy.get(s) ?? []))].filter(
    (s) => !segments.includes(s),
  );
  const needs = suppliers.length ? rng.sample(suppliers, rng.int(0, Math.min(3, suppliers.length))) : [];
  const chainLeader = index % 20 === 7;
  const trade = tradeName(rng);
  const legal =
    chainLeader || rng.chance(0.2) ? LEGAL_FORMS[1] : rng.chance(0.85) ? LEGAL_FORMS[0] : LEGAL_FORMS[2];
  const name = `${rng.pick(LOCAL_PREFIXES[jurisdiction])}${trade.zh}${segmentWord(rng, segments[0])}${legal}`;
  const revenueWan = Math.round(
    chainLeader ? rng.logUniform(200_000, 5_000_000) : rng.logUniform(300, 300_000),
  );
  const employees = Math.min(60_000, Math.max(8, Math.round(revenueWan / rng.logUniform(60, 250))));
  const tags: string[] = rng.sample(ENTERPRISE_TAGS.slice(0, 6), rng.int(0, 2));
  if (chainLeader) tags.unshift('链主企业');
  return {
    id: recordUuid(seed, 1, index),
    ref: `ent-${String(index + 1).padStart(6, '0')}`,
    name,
    uscc: usccFor(rng.pick(LOCAL_DIVISIONS[jurisdiction]), index),
    jurisdiction,
    segments,
    needs,
    chainLeader,
    revenueWan,
    employees,
    address: `${rng.pick(ADDRESSES[jurisdiction])}${rng.int(1, 999)}号`,
    tags,
    pinyin: trade.pinyin,
  };
}

export interface OutsideInvestor {
  name: string;
  uscc: string | null;
  country: string | null;
  industry: string;
  /** What the company is known for; most of its projects are in this segment. */
  segment: string;
  pinyin: string;
}

/**
 * Investor `poolIndex` from outside the two cities: a domestic company (valid USCC, sometimes not
 * recorded) or, one in six, a foreign one with its country. The same index is the same company, so
 * several leads of both cities can pursue it (what collisions, 撞单, are made of).
 */
export function makeOutsideInvestor(seed: number, poolIndex: number): OutsideInvestor {
  const rng = recordRng(seed, poolIndex, 3);
  const industry = rng.pick(INDUSTRIES);
  const segment = rng.pick(SEGMENTS_BY_INDUSTRY.get(industry)!);
  if (poolIndex % 6 === 5) {
    const origin = rng.pick(FOREIGN_ORIGINS);
    const stem = rng.pick(origin.stems);
    const word = rng.pick(INDUSTRY_WORDS_EN[industry]);
    return {
      name: `${stem} ${word} ${origin.suffix}`,
      uscc: null,
      country: origin.country,
      industry,
      segment,
      pinyin: stem.toLowerCase().replace(/[^a-z]/g, ''),
    };
  }
  const [city, division] = rng.pick(OUTSIDE_CITIES);
  const trade = tradeName(rng);
  const legal = rng.chance(0.35) ? '股份有限公司' : '有限公司';
  return {
    name: `${city}${trade.zh}${segmentWord(rng, segment)}${legal}`,
    uscc: rng.chance(0.8) ? usccFor(division, OUTSIDE_SERIAL_BASE + poolIndex) : null,
    country: null,
    industry,
    segment,
    pinyin: trade.pinyin,
  };
}

function personName(rng: Rng): { zh: string; pinyin: string } {
  const [s, ps] = rng.pick(SURNAMES);
  const [g, pg] = rng.pick(GIVEN_NAMES);
  return { zh: s + g, pinyin: `${pg}.${ps}` };
}

function contactsFor(rng: Rng, domain: string): DemoContact[] {
  const n = rng.weighted([0, 1, 2, 3], [10, 50, 30, 10]);
  const out: DemoContact[] = [];
  for (let i = 0; i < n; i++) {
    const p = personName(rng);
    const c: DemoContact = { name: p.zh, title: rng.pick(CONTACT_TITLES) };
    if (rng.chance(0.85))
      c.phone = `${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
    if (rng.chance(0.6)) c.email = `${p.pinyin}@${domain}`;
    out.push(c);
  }
  return out;
}

/** Short form of an investor name for project titles: no city prefix, no legal form. */
const CITY_PREFIXES = [...OUTSIDE_CITIES.map(([c]) => c), ...Object.values(LOCAL_PREFIXES).flat()].sort(
  (a, b) => b.length - a.length,
);
function brandOf(investorName: string): string {
  if (/^[A-Za-z]/.test(investorName)) return investorName.split(' ')[0];
  const city = CITY_PREFIXES.find((c) => investorName.startsWith(c));
  return investorName.slice(city?.length ?? 0, (city?.length ?? 0) + 2);
}

function round(n: number, step: number): number {
  return Math.max(step, Math.round(n / step) * step);
}

/** What a lead needs to know of its investor; computed once per investor and cached. */
interface InvestorFacts {
  name: string;
  norm: string;
  brand: string;
  uscc: string | null;
  enterpriseId: string | null;
  country: string | null;
  industry: string;
  segment: string;
  domain: string;
}

/** Per-dataset caches: a large dataset names the same investors many times. */
const investorCaches = new WeakMap<LeadDatasetOptions, Map<number, InvestorFacts>>();
function cached(o: LeadDatasetOptions, key: number, make: () => InvestorFacts): InvestorFacts {
  let cache = investorCaches.get(o);
  if (!cache) investorCaches.set(o, (cache = new Map()));
  let facts = cache.get(key);
  if (!facts) cache.set(key, (facts = make()));
  return facts;
}

function enterpriseInvestor(o: LeadDatasetOptions, k: number): InvestorFacts {
  return cached(o, -1 - k, () => {
    const e = makeEnterprise(o.seed, k);
    return {
      name: e.name,
      norm: normaliseInvestorName(e.name),
      brand: brandOf(e.name),
      uscc: e.uscc,
      enterpriseId: e.id,
      country: null,
      industry: graph.industryOf(e.segments[0])!,
      segment: e.segments[0],
      domain: `${e.pinyin}.com.cn`,
    };
  });
}

function outsideInvestor(o: LeadDatasetOptions, k: number): InvestorFacts {
  return cached(o, k, () => {
    const inv = makeOutsideInvestor(o.seed, k);
    return {
      name: inv.name,
      norm: normaliseInvestorName(inv.name),
      brand: brandOf(inv.name),
      uscc: inv.uscc,
      enterpriseId: null,
      country: inv.country,
      industry: inv.industry,
      segment: inv.segment,
      domain: inv.country ? `${inv.pinyin}.com` : `${inv.pinyin}.com.cn`,
    };
  });
}

export interface LeadDatasetOptions {
  seed: number;
  /** How many enterprises the dataset has (leads may name one as investor). 0: none. */
  enterpriseCount: number;
  /** Size of the pool of outside investors (smaller pool: more repeated investors). */
  outsidePool?: number;
  /** Owners by jurisdiction (user ids); a lead gets one of its jurisdiction's owners. */
  owners: Readonly<Record<Jurisdiction, readonly string[]>>;
  /** "Now" for timestamps, so a seed is reproducible (ms since epoch). */
  now: number;
  /** Spread of creation times back from `now`, in days. */
  historyDays?: number;
}

const DAY = 86_400_000;

/**
 * Lead `index`: the first ten cover the ten stages and both cities; after that the stage follows
 * a funnel-shaped distribution. A quarter of investors are enterprises of the base data.
 */
export function makeLead(o: LeadDatasetOptions, index: number): DemoLead {
  const rng = recordRng(o.seed, index, 2);
  const jurisdiction: Jurisdiction =
    index < 10 ? JURISDICTIONS[index % 2] : rng.chance(0.5) ? 'beibei' : 'mianyang';
  const stage: LeadStage =
    index < LEAD_STAGES.length ? LEAD_STAGES[index] : rng.weighted(LEAD_STAGES, STAGE_WEIGHTS);

  const fromBase = o.enterpriseCount > 0 && rng.chance(0.25);
  const inv = fromBase
    ? enterpriseInvestor(o, rng.int(0, o.enterpriseCount - 1))
    : outsideInvestor(o, rng.int(0, (o.outsidePool ?? Math.max(50, o.enterpriseCount * 2 || 400)) - 1));
  const investor: DemoLead['investor'] = {
    name: inv.name,
    norm: inv.norm,
    uscc: inv.uscc,
    enterpriseId: inv.enterpriseId,
    country: inv.country,
  };
  // Mostly the investor's own line; otherwise an expansion along the chain of its industry.
  const segments = rng.chance(fromBase ? 0.6 : 0.7) ? [inv.segment] : segmentsOf(rng, inv.industry);
  const domain = inv.domain;
  const segmentName = graph.segmentByCode.get(segments[0])!.name;
  const title = `${inv.brand}${segmentWord(rng, segments[0])}${rng.pick(PROJECT_KINDS)}`;

  const planned = round(rng.logUniform(2_000, 2_000_000), 100);
  const landNeedMu = rng.chance(0.75)
    ? round(Math.min(3_000, planned / rng.logUniform(300, 3_000)), 5)
    : null;
  const expectedJobs = rng.chance(0.8)
    ? round(Math.min(10_000, planned / rng.logUniform(100, 1_000)), 10)
    : null;
  const amount =
    planned >= 10_000 ? `${(planned / 10_000).toFixed(planned >= 100_000 ? 0 : 1)}亿元` : `${planned}万元`;
  const summary =
    `${inv.brand}拟在${CITY_NAMES[jurisdiction]}投资建设${segmentName}项目，计划总投资约${amount}` +
    (landNeedMu ? `，用地需求约${landNeedMu}亩` : '') +
    (expectedJobs ? `，预计新增就业${expectedJobs}人` : '') +
    '。';

  const createdAt = new Date(o.now - Math.floor(rng.next() * (o.historyDays ?? 720) * DAY));
  const updatedAt = new Date(Math.min(o.now, createdAt.getTime() + Math.floor(rng.next() * 90 * DAY)));
  const active = (ACTIVE_STAGES as readonly string[]).includes(stage);
  const confidential = rng.chance(0.1);
  const owners = o.owners[jurisdiction];
  // In the order the generator has always drawn them (the same seed gives the same leads).
  const resumeStage = stage === 'on_hold' ? rng.pick(ACTIVE_STAGES.slice(0, 5)) : null;
  const ownerId = owners.length ? owners[rng.int(0, owners.length - 1)] : null;
  const sharing = index < 4 ? (index < 2 ? 'private' : 'shared') : rng.chance(0.35) ? 'shared' : 'private';
  const codeName = confidential ? `${rng.pick(CODE_NAMES)}项目` : null;
  const facts = milestoneFacts(o, index, {
    reached: stage === 'on_hold' ? resumeStage! : stage,
    jurisdiction,
    planned,
    createdAt,
    updatedAt,
  });
  return {
    id: recordUuid(o.seed, 2, index),
    ref: `lead-${String(index + 1).padStart(7, '0')}`,
    title,
    investor,
    summary,
    segments,
    industries: [inv.industry],
    plannedInvestmentWan: planned,
    landNeedMu,
    expectedJobs,
    stage,
    resumeStage,
    jurisdiction,
    ownerId,
    sharing,
    confidential,
    codeName,
    source: rng.weighted(LEAD_SOURCES, SOURCE_WEIGHTS),
    nextActionAt: active && rng.chance(0.7) ? new Date(o.now + rng.int(1, 60) * DAY) : null,
    contacts: contactsFor(rng, domain),
    createdAt,
    updatedAt,
    partnerSummary: codeName
      ? `${codeName}：${segmentName}项目，计划总投资约${amount}，由${CITY_NAMES[jurisdiction]}牵头，欢迎对接上下游配套。`
      : null,
    ...facts,
  };
}

/** Serials of demo project companies' USCCs (apart from the enterprises' and outside investors'). */
const PROJECT_SERIAL_BASE = 70_000_000;
const FUND_NOTES = ['首期注册资本金到位', '设备采购款到位', '厂房建设资金到位', '二期增资到位'];

/**
 * Milestone facts a lead at `reached` has (DESIGN §6), from a random stream of its own so that
 * the other fields stay as they were: milestones in order between creation and the last update,
 * a contract near the planned investment, a project company in the lead's city, and funds
 * arriving after signing (more of them the further the project is).
 */
function milestoneFacts(
  o: LeadDatasetOptions,
  index: number,
  l: { reached: LeadStage; jurisdiction: Jurisdiction; planned: number; createdAt: Date; updatedAt: Date },
): Pick<
  DemoLead,
  'signedAt' | 'contractAmountWan' | 'projectUscc' | 'startedAt' | 'operatingAt' | 'fundsInPlace'
> {
  const none = {
    signedAt: null,
    contractAmountWan: null,
    projectUscc: null,
    startedAt: null,
    operatingAt: null,
    fundsInPlace: [],
  };
  const at = ACTIVE_STAGES.indexOf(l.reached as (typeof ACTIVE_STAGES)[number]);
  const past = (stage: LeadStage) => at >= ACTIVE_STAGES.indexOf(stage as (typeof ACTIVE_STAGES)[number]);
  if (at < 0 || !past('signed')) return none;
  const rng = recordRng(o.seed, index, 6);
  const from = l.createdAt.getTime();
  const span = Math.max(DAY, l.updatedAt.getTime() - from);
  const moment = (share: number) => from + Math.floor(span * share);
  const signed = moment(0.4 + rng.next() * 0.1);
  const contract = round(l.planned * (0.8 + rng.next() * 0.3), 100);
  const funds: DemoLead['fundsInPlace'] = [];
  const paid = past('operating') ? 0.8 : past('started') ? 0.5 : past('registered') ? 0.2 : 0;
  const entries = paid ? rng.int(1, 3) : 0;
  for (let k = 0; k < entries; k++) {
    funds.push({
      at: cityDay(signed + Math.floor(((l.updatedAt.getTime() - signed) * (k + 1)) / (entries + 1))),
      amountWan: round((contract * paid) / entries, 100),
      note: FUND_NOTES[k % FUND_NOTES.length],
    });
  }
  return {
    signedAt: cityDay(signed),
    contractAmountWan: contract,
    projectUscc: past('registered')
      ? usccFor(rng.pick(LOCAL_DIVISIONS[l.jurisdiction]), PROJECT_SERIAL_BASE + index)
      : null,
    startedAt: past('started') ? cityDay(moment(0.6 + rng.next() * 0.1)) : null,
    operatingAt: past('operating') ? cityDay(moment(0.8 + rng.next() * 0.1)) : null,
    fundsInPlace: funds,
  };
}
