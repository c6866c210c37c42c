import fc from 'fast-check';
import { REFERENCE_DATA, TaxonomyGraph, referenceTaxonomy } from '../taxonomy/taxonomy';
import { candidateLists, directLists, needStrength } from './chain';
import {
  ALGORITHM_VERSION,
  CandidateGroup,
  EnterpriseCandidate,
  MAX_PARKS,
  MAX_PARTNERS,
  MIN_PER_DIRECTION,
  MatchInput,
  ParkCandidate,
  boundCandidates,
  clusterKey,
  leadChain,
  matchLead,
  partnerScores,
  perListLimit,
} from './engine';
import { localizeReason } from './reasons';
import { sizeBand } from './size-fit';

const graph = new TaxonomyGraph(referenceTaxonomy());
const SEGMENTS = graph.taxonomy.segments.map((s) => s.code);
const JURS = ['beibei', 'mianyang'];
const hex = (n: number) => n.toString(16).padStart(12, '0');
const uuid = (n: number) => `00000000-0000-4000-8000-${hex(n)}`;

const seedParks: ParkCandidate[] = REFERENCE_DATA.parks.map((p, i) => ({
  id: uuid(9000 + i),
  name: p.name,
  jurisdictions: p.jurisdictions,
  coBuilt: p.coBuilt,
  targetSegments: p.targetSegments,
  availableLandMu: p.availableLandMu,
}));

function ent(n: number, jurisdiction: string, segments: string[], extra: Partial<EnterpriseCandidate> = {}) {
  return { id: uuid(n), name: `E${n}`, jurisdiction, segments, needs: [], chainLeader: false, ...extra };
}

function countsOf(enterprises: EnterpriseCandidate[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of enterprises)
    for (const s of new Set(e.segments))
      m.set(clusterKey(e.jurisdiction, s), (m.get(clusterKey(e.jurisdiction, s)) ?? 0) + 1);
  return m;
}

function input(lead: MatchInput['lead'], enterprises: EnterpriseCandidate[], parks = seedParks): MatchInput {
  return { graph, lead, enterprises, parks, clusterCounts: countsOf(enterprises) };
}

describe('matching engine on the real taxonomy (DESIGN §10)', () => {
  it('proposes Mianyang cathode/separator suppliers and vehicle makers before a Beibei pack maker for a Beibei battery-cell lead', () => {
    const enterprises = [
      ent(1, 'mianyang', ['nev.cathode']),
      ent(2, 'mianyang', ['nev.separator']),
      ent(3, 'beibei', ['nev.battery-pack']),
      ent(4, 'mianyang', ['nev.vehicle']),
      ent(5, 'mianyang', ['nev.battery-cell']), // a peer
      ent(6, 'beibei', ['biomed.generics']), // unrelated
    ];
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] }, enterprises),
    );
    const byId = new Map(r.partners.map((p) => [p.enterpriseId, p]));
    expect(byId.get(uuid(1))?.relation).toBe('upstream');
    expect(byId.get(uuid(2))?.relation).toBe('upstream');
    expect(byId.get(uuid(1))?.reasons.map((x) => x.code)).toEqual([
      'CORE_LINK',
      'DIRECT_UPSTREAM',
      'CROSS_CITY',
    ]);
    expect(byId.get(uuid(3))?.relation).toBe('downstream');
    expect(byId.get(uuid(4))?.relation).toBe('downstream');
    expect(byId.get(uuid(4))?.reasons.map((x) => x.code)).toContain('DIRECT_DOWNSTREAM');
    expect(byId.has(uuid(5))).toBe(false);
    expect(byId.has(uuid(6))).toBe(false);
    // every link is core: the cross-city partners first (ties by id), then the same-city one
    expect(r.partners.map((p) => p.enterpriseId)).toEqual([uuid(1), uuid(2), uuid(4), uuid(3)]);
    expect(r.partners.every((p) => p.strength === 'core')).toBe(true);
    expect(r.algorithmVersion).toBe(ALGORITHM_VERSION);
    const cathode = byId.get(uuid(1))!.reasons[0];
    expect(cathode.text).toBe('为动力电池电芯提供正极材料（核心配套）');
    expect(cathode.textEn).toBe("Supplies cathode to the project's battery cells (core link)");
    expect(localizeReason(cathode, 'en').text).toBe(cathode.textEn);
    expect(localizeReason(cathode, 'zh-CN').text).toBe(cathode.text);
    expect(byId.get(uuid(3))!.reasons[0].text).toBe('本项目为电池包与BMS提供动力电池电芯（核心配套）');
  });

  it('ranks cathode, separator and electrolyte makers above battery recyclers for a cell lead, whatever the recyclers declare', () => {
    const recyclers = [1, 2, 3].map((n) =>
      ent(n, 'mianyang', ['nev.battery-recycling'], { needs: ['nev.battery-cell'], chainLeader: true }),
    );
    const suppliers = [
      ent(11, 'beibei', ['nev.cathode']),
      ent(12, 'beibei', ['nev.separator']),
      ent(13, 'beibei', ['nev.electrolyte']),
    ];
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] }, [
        ...recyclers,
        ...suppliers,
      ]),
    );
    expect(r.partners.slice(0, 3).map((p) => p.enterpriseId)).toEqual([uuid(11), uuid(12), uuid(13)]);
    const recycler = r.partners.find((p) => p.enterpriseId === uuid(1))!;
    expect(recycler.strength).toBe('supporting');
    expect(recycler.reasons.map((x) => x.code).slice(0, 2)).toEqual(['SUPPORTING_LINK', 'DECLARED_NEED']);
    expect(recycler.reasons[0].text).toBe('登记采购动力电池电芯，用于电池回收（一般配套）');
    expect(recycler.score).toBeLessThan(r.partners[2].score);
  });

  it('lets a declared need raise a partner within its strength', () => {
    const lead = { id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] };
    const r = matchLead(
      input(lead, [
        ent(1, 'beibei', ['nev.battery-pack']),
        ent(2, 'beibei', ['nev.battery-pack'], { needs: ['nev.battery-cell'] }),
        ent(3, 'beibei', ['nev.charging'], { needs: ['nev.battery-cell'] }),
      ]),
    );
    expect(r.partners.map((p) => p.enterpriseId)).toEqual([uuid(2), uuid(1), uuid(3)]);
    expect(r.partners[0].reasons.map((x) => x.code).slice(0, 2)).toEqual(['CORE_LINK', 'DECLARED_NEED']);
    expect(r.partners[2].strength).toBe('supporting');
  });

  it('weighs two hops at half their weaker edge and never calls them core', () => {
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-minerals'] }, [
        ent(1, 'beibei', ['nev.battery-cell']), // minerals → cathode → cell, core + core
        ent(2, 'beibei', ['nev.cathode']),
      ]),
    );
    const [direct, twoHop] = r.partners;
    expect(direct.enterpriseId).toBe(uuid(2));
    expect(twoHop.enterpriseId).toBe(uuid(1));
    expect(twoHop.strength).toBe('supporting');
    expect(twoHop.score).toBeCloseTo(direct.score / 2, 3);
    expect(twoHop.reasons.map((x) => x.code).slice(0, 2)).toEqual(['SUPPORTING_LINK', 'TWO_HOP_CHAIN']);
    expect(twoHop.reasons[0].text).toBe('本项目经正极材料间接为动力电池电芯提供锂钴镍资源（一般配套）');
  });

  it('weighs an enterprise far too small or too large for the planned investment less, and says so', () => {
    const lead = { id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] };
    const cathode = (n: number, revenueWan: number | null, employees: number | null = null) =>
      ent(n, 'mianyang', ['nev.cathode'], { revenueWan, employees });
    const ents = [cathode(1, 800), cathode(2, 50_000), cathode(3, 3_000_000), cathode(4, null)];
    const major = matchLead(input({ ...lead, plannedInvestmentWan: 500_000 }, ents)).partners;
    expect(major.map((p) => p.enterpriseId)).toEqual([uuid(3), uuid(4), uuid(2), uuid(1)]);
    const codes = (ps: typeof major, n: number) =>
      ps.find((p) => p.enterpriseId === uuid(n))!.reasons.map((x) => x.code);
    expect(codes(major, 1)).toContain('SIZE_GAP');
    expect(major.find((p) => p.enterpriseId === uuid(1))!.reasons.at(-1)!.text).toBe(
      '规模过小：年营收约800万元，项目投资50亿元',
    );
    expect(codes(major, 3).at(-1)).toBe('SIZE_FIT');
    expect(codes(major, 4)).not.toContain('SIZE_FIT'); // size unknown: no claim either way
    const small = matchLead(input({ ...lead, plannedInvestmentWan: 3_000 }, ents)).partners;
    expect(small.at(-1)!.enterpriseId).toBe(uuid(3));
    expect(small.at(-1)!.reasons.at(-1)).toMatchObject({ code: 'SIZE_GAP' });
    expect(small.at(-1)!.reasons.at(-1)!.textEn).toBe(
      'Much larger than a CNY 30 million project: revenue about CNY 30 billion',
    );
    const unknown = matchLead(input({ ...lead, plannedInvestmentWan: 0 }, ents)).partners;
    expect(unknown.map((p) => p.enterpriseId)).toEqual([uuid(1), uuid(2), uuid(3), uuid(4)]);
    for (const p of unknown) expect(p.reasons.map((x) => x.code)).not.toContain('SIZE_FIT');
  });

  it('keeps both directions in the top 10 when both exist', () => {
    const lead = { id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] };
    const cathodes = Array.from({ length: 12 }, (_, i) => ent(i + 1, 'mianyang', ['nev.cathode']));
    const recyclers = [
      ent(31, 'beibei', ['nev.battery-recycling']),
      ent(32, 'beibei', ['nev.battery-recycling']),
    ];
    const r = matchLead(
      input(lead, [...cathodes, ...recyclers, ent(33, 'beibei', ['nev.battery-recycling'])]),
    );
    expect(r.partners).toHaveLength(MAX_PARTNERS);
    expect(r.partners.filter((p) => p.relation === 'upstream')).toHaveLength(
      MAX_PARTNERS - MIN_PER_DIRECTION,
    );
    expect(r.partners.slice(-2).map((p) => p.enterpriseId)).toEqual([uuid(31), uuid(32)]);
    r.partners.forEach((p, i) => expect(p.rank).toBe(i + 1));
    const one = matchLead(input(lead, [...cathodes, recyclers[0]])).partners;
    expect(one.filter((p) => p.relation === 'downstream').map((p) => p.enterpriseId)).toEqual([uuid(31)]);
  });

  it('a partner that also declares a need keeps the direction reserve’s place its plain twin would take', () => {
    // Nine downstream partners rank above the two that make electronic chemicals (upstream), so
    // the reserve must bring one more upstream partner in; the twin that also declares a need for
    // the lead's software is the lowest downstream pick and leaves to make room. It links upstream
    // as well as its twin, with the smaller id, so it takes the place itself.
    const lead = { id: uuid(100), jurisdiction: 'beibei', segments: ['ngit.software-cloud', 'ngit.pcb'] };
    const downstream = [
      ent(12, 'beibei', ['ngit.devices']),
      ent(15, 'beibei', ['ngit.industrial-internet']),
      ent(16, 'beibei', ['ngit.industrial-internet']),
      ent(25, 'beibei', ['ngit.industrial-internet']),
      ent(26, 'beibei', ['ngit.devices']),
      ent(27, 'beibei', ['ngit.telecom']),
      ent(29, 'beibei', ['nev.smart-cockpit']),
      ent(19, 'mianyang', ['hiequip.smart-factory'], { chainLeader: true }),
    ];
    const chemicals = ent(13, 'beibei', ['nmat.electronic-chemicals']);
    const plain = ent(41, 'beibei', ['nmat.electronic-chemicals', 'ngit.semi-materials']);
    const needing = { ...plain, id: uuid(40), needs: ['ngit.software-cloud'] };
    const shown = matchLead(input(lead, [...downstream, chemicals, plain, needing])).partners;
    expect(shown).toHaveLength(MAX_PARTNERS);
    expect(shown.filter((p) => p.relation === 'upstream')).toHaveLength(MIN_PER_DIRECTION);
    expect(shown.find((p) => p.enterpriseId === needing.id)?.relation).toBe('upstream');
    expect(shown.some((p) => p.enterpriseId === plain.id)).toBe(false);
    // Without the need, the twin is the plain one's equal and the smaller id still goes first.
    const twins = matchLead(
      input(lead, [...downstream, chemicals, plain, { ...plain, id: uuid(40) }]),
    ).partners;
    expect(twins.filter((p) => p.relation === 'upstream').map((p) => p.enterpriseId)).toEqual([
      uuid(13),
      uuid(40),
    ]);
  });

  it('proposes the Chongqing Sensor Industry Base and the co-built park to a sensors lead', () => {
    const enterprises = [
      ent(1, 'beibei', ['ngit.sensors']),
      ent(2, 'mianyang', ['ngit.sensors']),
      ent(3, 'mianyang', ['ngit.ic-packaging']),
      ent(4, 'beibei', ['hiequip.instruments']),
    ];
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['ngit.sensors'] }, enterprises),
    );
    const names = r.parks.map((p) => seedParks.find((s) => s.id === p.parkId)!.name);
    expect(names).toContain('重庆市传感器特色产业基地');
    expect(names).toContain('绵阳—北碚特色产业合作园区');
    const coBuilt = r.parks.find((p) => seedParks.find((s) => s.id === p.parkId)!.coBuilt)!;
    expect(coBuilt.reasons.map((x) => x.code)).toEqual(
      expect.arrayContaining(['PARK_TARGET_SEGMENT', 'CLUSTER_STRENGTH', 'CO_BUILT_PARK']),
    );
  });

  it('still proposes both sensor parks with no enterprises at all', () => {
    const r = matchLead(input({ id: uuid(100), jurisdiction: 'mianyang', segments: ['ngit.sensors'] }, []));
    const keys = r.parks.map((p) => REFERENCE_DATA.parks[seedParks.findIndex((s) => s.id === p.parkId)].key);
    expect(keys.slice(0, 2).sort()).toEqual(['co-built-park', 'cq-sensor-base']);
  });

  it('marks a park without enough land LAND_SHORT and ranks it after the parks that fit', () => {
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['ngit.sensors'], landNeedMu: 1000 }, []),
    );
    const last = r.parks[r.parks.length - 1];
    expect(r.parks.slice(0, -1).every((p) => !p.landShort)).toBe(true);
    expect(r.parks.filter((p) => p.landShort).length).toBeLessThanOrEqual(1);
    if (last.landShort) expect(last.reasons.map((x) => x.code)).toContain('LAND_SHORT');
  });

  it('uses PARK_TARGET_INDUSTRY when only the industry matches', () => {
    const r = matchLead(input({ id: uuid(100), jurisdiction: 'beibei', segments: ['nev.anode'] }, []));
    expect(r.parks.length).toBeGreaterThan(0);
    for (const p of r.parks) expect(p.reasons[0].code).toBe('PARK_TARGET_INDUSTRY');
  });

  it('flags FILLS_CHAIN_GAP where the region lacks the segment but has neighbours', () => {
    const enterprises = [ent(1, 'beibei', ['nev.battery-cell']), ent(2, 'beibei', ['nev.e-drive'])];
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-pack'] }, enterprises),
    );
    const tongxing = seedParks[REFERENCE_DATA.parks.findIndex((p) => p.key === 'tongxing-park')];
    const m = r.parks.find((p) => p.parkId === tongxing.id)!;
    expect(m.reasons.map((x) => x.code)).toContain('FILLS_CHAIN_GAP');
  });

  it('records declared demand without a chain edge as a supporting DECLARED_NEED, downstream', () => {
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] }, [
        ent(1, 'beibei', ['biomed.generics'], { needs: ['nev.battery-cell'] }),
      ]),
    );
    expect(r.partners).toHaveLength(1);
    expect(r.partners[0]).toMatchObject({ relation: 'downstream', strength: 'supporting' });
    expect(r.partners[0].reasons.map((x) => x.code)).toEqual(['SUPPORTING_LINK', 'DECLARED_NEED']);
    expect(r.partners[0].reasons[0].text).toBe('登记采购动力电池电芯（一般配套）');
  });

  it('derives the chain neighbourhood from the same segments the candidate lists cover', () => {
    for (const s of SEGMENTS) {
      const chain = leadChain(graph, [s]);
      expect([...chain.keys()].sort()).toEqual(candidateLists(graph, [s]).makes);
      for (const links of chain.values())
        for (const l of Object.values(links)) {
          if (l.kind === 'direct') expect(l.weight).toBe(l.strength === 'core' ? 60 : 30);
          else expect(l).toMatchObject({ kind: 'twoHop', strength: 'supporting' });
        }
    }
  });

  it('never proposes an excluded (rejected) target and fills its place', () => {
    const enterprises = Array.from({ length: 12 }, (_, i) => ent(i + 1, 'mianyang', ['nev.cathode']));
    const lead = { id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] };
    const r = matchLead({ ...input(lead, enterprises), exclude: { enterpriseIds: [uuid(1)] } });
    expect(r.partners).toHaveLength(10);
    expect(r.partners.map((p) => p.enterpriseId)).not.toContain(uuid(1));
    expect(r.partners.map((p) => p.enterpriseId)).toContain(uuid(11));
  });
});

// ---------- properties ----------

const segArb = fc.constantFrom(...SEGMENTS);
// Revenues across every size band, and sometimes unknown (with or without a head count).
const revenueArb = fc.option(
  fc.constantFrom(300, 1_500, 2_000, 40_000, 99_999, 100_000, 600_000, 1_000_000, 4_000_000),
  {
    nil: null,
  },
);
const employeesArb = fc.option(fc.constantFrom(8, 19, 20, 500, 1_000, 9_999, 10_000, 40_000), { nil: null });
const investmentArb = fc.option(fc.constantFrom(0, 2_000, 9_999, 10_000, 60_000, 100_000, 2_000_000), {
  nil: null,
});
const entArb = (n: number) =>
  fc.record({
    id: fc.constant(uuid(n)),
    name: fc.constant(`E${n}`),
    jurisdiction: fc.constantFrom(...JURS),
    segments: fc.uniqueArray(segArb, { minLength: 1, maxLength: 3 }),
    needs: fc.uniqueArray(segArb, { maxLength: 2 }),
    chainLeader: fc.boolean(),
    revenueWan: revenueArb,
    employees: employeesArb,
  });
const entsArb = fc
  .integer({ min: 0, max: 40 })
  .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => entArb(i + 1))));
// Dense: many enterprises in a few battery segments, mostly of one size and not chain leaders, so
// the indexed lists really are cut short (exactness property).
const DENSE = [
  'nev.battery-minerals',
  'nev.cathode',
  'nev.battery-cell',
  'nev.battery-pack',
  'nev.battery-recycling',
  'nev.vehicle',
];
const denseEntsArb = fc.tuple(
  ...Array.from({ length: 200 }, (_, i) =>
    fc.record({
      id: fc.constant(uuid(i + 1)),
      name: fc.constant(`E${i + 1}`),
      jurisdiction: fc.constantFrom(...JURS),
      segments: fc.uniqueArray(fc.constantFrom(...DENSE), { minLength: 1, maxLength: 2 }),
      needs: fc.uniqueArray(fc.constantFrom(...DENSE), { maxLength: 1 }),
      chainLeader: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
      revenueWan: fc.constantFrom(1_500, 50_000, 50_000, 50_000, 50_000, 3_000_000, null),
      employees: fc.constant(null),
    }),
  ),
);
const leadArb = fc.record({
  id: fc.constant(uuid(100_000)),
  jurisdiction: fc.constantFrom(...JURS),
  segments: fc.uniqueArray(segArb, { minLength: 1, maxLength: 3 }),
  landNeedMu: fc.option(fc.integer({ min: 1, max: 2500 }), { nil: null }),
  plannedInvestmentWan: investmentArb,
});
const parkArb = (n: number) =>
  fc.record({
    id: fc.constant(uuid(50_000 + n)),
    name: fc.constant(`P${n}`),
    jurisdictions: fc.constantFrom(['beibei'], ['mianyang'], ['beibei', 'mianyang']),
    coBuilt: fc.boolean(),
    targetSegments: fc.uniqueArray(segArb, { minLength: 1, maxLength: 6 }),
    availableLandMu: fc.option(fc.integer({ min: 0, max: 2500 }), { nil: null }),
  });
const parksArb = fc
  .integer({ min: 0, max: 8 })
  .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => parkArb(i))));

const posOf = (ids: string[], id: string) => ids.indexOf(id);
const partnersOf = (lead: MatchInput['lead'], enterprises: EnterpriseCandidate[], exclude?: string[]) =>
  matchLead({
    graph,
    lead,
    enterprises,
    parks: [],
    clusterCounts: new Map(),
    exclude: { enterpriseIds: exclude },
  }).partners;

/**
 * What the candidate index holds: per (segment, role, jurisdiction, size band) the first `perList`
 * members in (rank, id) order, grouped as CandidateRepository.lists() returns them.
 */
function indexLists(lead: MatchInput['lead'], ents: readonly EnterpriseCandidate[], perList: number) {
  const lists = candidateLists(graph, lead.segments);
  const out = new Map<string, CandidateGroup[]>();
  for (const [role, segs] of [
    ['makes', lists.makes],
    ['needs', lists.needs],
  ] as const)
    for (const s of segs) {
      const groups = new Map<string, { rank: number; e: EnterpriseCandidate }[]>();
      for (const e of ents) {
        if (!(role === 'makes' ? e.segments : e.needs).includes(s)) continue;
        const key = `${e.jurisdiction}|${sizeBand(e.revenueWan, e.employees)}`;
        const need = role === 'needs' && needStrength(graph, s, e.segments) === 'supporting' ? 1 : 0;
        (groups.get(key) ?? groups.set(key, []).get(key)!).push({
          rank: need * 2 + (e.chainLeader ? 0 : 1),
          e,
        });
      }
      const fetched: CandidateGroup[] = [];
      for (const members of groups.values()) {
        const first = members.sort((a, b) => a.rank - b.rank || (a.e.id < b.e.id ? -1 : 1)).slice(0, perList);
        for (const rank of [0, 1, 2, 3]) {
          const of = first.filter((m) => m.rank === rank);
          if (!of.length) continue;
          const { jurisdiction, revenueWan, employees } = of[0].e;
          const strength = rank < 2 ? ('core' as const) : ('supporting' as const);
          fetched.push({
            jurisdiction,
            chainLeader: rank % 2 === 0,
            sizeBand: sizeBand(revenueWan, employees),
            ...(role === 'needs' ? { needStrength: strength } : {}),
            ids: of.map((m) => m.e.id),
          });
        }
      }
      out.set(`${role}|${s}`, fetched);
    }
  return (role: 'makes' | 'needs', segment: string) => out.get(`${role}|${segment}`) ?? [];
}

describe('matching engine properties', () => {
  it('is deterministic: shuffled input gives the same matches in the same order', () => {
    fc.assert(
      fc.property(leadArb, entsArb, parksArb, fc.integer(), (lead, ents, parks, seed) => {
        const a = matchLead({ graph, lead, enterprises: ents, parks, clusterCounts: countsOf(ents) });
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x, i) => ({ x, k: Math.sin(seed + i * 7919) }))
            .sort((p, q) => p.k - q.k)
            .map((p) => p.x);
        const b = matchLead({
          graph,
          lead,
          enterprises: shuffle(ents),
          parks: shuffle(parks),
          clusterCounts: countsOf(ents),
        });
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('ranks the same whatever ids the enterprises have, except among ties', () => {
    let tieFree = 0;
    fc.assert(
      fc.property(
        leadArb,
        fc
          .integer({ min: 1, max: 14 })
          .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => entArb(i + 1)))),
        fc.integer(),
        (lead, ents, seed) => {
          // The same enterprises under other ids (a permutation of the id strings).
          const permuted = ents
            .map((e, i) => ({ id: e.id, k: Math.sin(seed + i * 104_729) }))
            .sort((p, q) => p.k - q.k)
            .map((p) => p.id);
          const renamed = ents.map((e, i) => ({ ...e, id: permuted[i] }));
          const back = new Map(renamed.map((e, i) => [e.id, ents[i].id]));
          // Scores never depend on ids...
          const points = partnerScores({
            graph,
            lead,
            enterprises: ents,
            parks: [],
            clusterCounts: new Map(),
          });
          const again = partnerScores({
            graph,
            lead,
            enterprises: renamed,
            parks: [],
            clusterCounts: new Map(),
          });
          const byOriginal = new Map(again.map((p) => [back.get(p.enterpriseId)!, p]));
          for (const p of points)
            expect({ ...byOriginal.get(p.enterpriseId)!, enterpriseId: p.enterpriseId }).toEqual(p);
          // ...so without ties the proposals are the same enterprises in the same order.
          const raws = points.flatMap((p) => [p.upstream, p.downstream].filter((x) => x !== undefined));
          if (new Set(raws).size !== raws.length) return;
          tieFree++;
          const a = partnersOf(lead, ents);
          const b = partnersOf(lead, renamed).map((p) => ({ ...p, enterpriseId: back.get(p.enterpriseId)! }));
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 400 },
    );
    expect(tieFree).toBeGreaterThan(100);
  });

  it('never proposes a peer (an enterprise whose only link is a shared segment)', () => {
    fc.assert(
      fc.property(
        leadArb,
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(...JURS),
        fc.boolean(),
        (lead, k, j, leader) => {
          const peer = ent(1, j, lead.segments.slice(0, k), { chainLeader: leader });
          expect(partnersOf(lead, [peer])).toEqual([]);
        },
      ),
    );
  });

  it('ranks a cross-city partner above an otherwise equal same-city one', () => {
    fc.assert(
      fc.property(leadArb, entArb(1), entsArb, (lead, base, others) => {
        const other = lead.jurisdiction === 'beibei' ? 'mianyang' : 'beibei';
        // the same-city twin gets the smaller id, so only CROSS_CITY can put the other first
        const same = { ...base, id: uuid(200_001), jurisdiction: lead.jurisdiction };
        const cross = { ...base, id: uuid(200_002), jurisdiction: other };
        const ids = partnersOf(lead, [...others, same, cross]).map((p) => p.enterpriseId);
        if (ids.includes(same.id)) {
          expect(ids).toContain(cross.id);
          expect(posOf(ids, cross.id)).toBeLessThan(posOf(ids, same.id));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never ranks a core link below a supporting link of the same enterprise size and city', () => {
    // Segment pairs (lead segment, partner segment) linked by a core edge in either direction.
    const coreEdges = graph.taxonomy.edges.filter((e) => e.strength === 'core');
    fc.assert(
      fc.property(
        fc.constantFrom(...coreEdges),
        fc.boolean(),
        entArb(300_001),
        entArb(300_002),
        entsArb,
        investmentArb,
        fc.constantFrom(...JURS),
        (edge, leadIsCustomer, a0, b0, others, plannedInvestmentWan, leadJurisdiction) => {
          const lead = {
            id: uuid(100_000),
            jurisdiction: leadJurisdiction,
            segments: [leadIsCustomer ? edge.to : edge.from],
            plannedInvestmentWan,
          };
          const core = { ...a0, segments: [leadIsCustomer ? edge.from : edge.to], needs: [] };
          // the supporting one shares city and size, may be a chain leader and declare a need
          const supporting = {
            ...b0,
            jurisdiction: core.jurisdiction,
            revenueWan: core.revenueWan,
            employees: core.employees,
          };
          const points = partnerScores({
            graph,
            lead,
            enterprises: [supporting],
            parks: [],
            clusterCounts: new Map(),
          });
          const best = partnersOf(lead, [supporting])[0];
          if (!points.length || best.strength !== 'supporting') return; // not a supporting partner
          const shown = partnersOf(lead, [...others, core, supporting]);
          const at = (id: string) => shown.findIndex((p) => p.enterpriseId === id);
          const [c, s] = [at(core.id), at(supporting.id)];
          if (c >= 0 && s >= 0) expect(c).toBeLessThan(s);
          const coreRelation = partnersOf(lead, [core])[0].relation;
          if (s >= 0 && shown[s].relation === coreRelation) expect(c).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('lets a declared need raise a partner within its strength, never lower it', () => {
    fc.assert(
      fc.property(leadArb, entArb(1), entsArb, (lead, base, others) => {
        const needed = lead.segments[0];
        // the needing twin has the smaller id, so a tie cannot put the plain one first
        const plain = {
          ...base,
          id: uuid(400_003),
          needs: base.needs.filter((n) => !lead.segments.includes(n)),
        };
        const needing = { ...plain, id: uuid(400_002), needs: [...plain.needs, needed] };
        const shown = partnersOf(lead, [...others, plain, needing]);
        const p = shown.find((x) => x.enterpriseId === plain.id);
        const n = shown.find((x) => x.enterpriseId === needing.id);
        // the one declaring the need is a partner whenever its twin is, and never ranks lower
        if (p) expect(n).toBeDefined();
        if (p && n && p.relation === n.relation) expect(n.score).toBeGreaterThanOrEqual(p.score);
        // proposed for its need, it is raised above its twin, within the need's strength
        const alone = partnersOf(lead, [needing])[0];
        if (alone.reasons[1].code === 'DECLARED_NEED') {
          const twin = partnersOf(lead, [plain])[0];
          if (twin) expect(alone.score).toBeGreaterThan(twin.score);
          if (alone.strength === 'supporting') expect(alone.score * 83).toBeLessThan(60 - 5 + 0.5);
        }
        for (const x of shown)
          expect(x.reasons[0].code).toBe(x.strength === 'core' ? 'CORE_LINK' : 'SUPPORTING_LINK');
      }),
      { numRuns: 300 },
    );
  });

  it('shows both directions when both exist, at most 10 partners and 3 parks, land-short parks last, scores in 0..1', () => {
    fc.assert(
      fc.property(leadArb, entsArb, parksArb, (lead, ents, parks) => {
        const r = matchLead({ graph, lead, enterprises: ents, parks, clusterCounts: countsOf(ents) });
        expect(r.partners.length).toBeLessThanOrEqual(MAX_PARTNERS);
        expect(r.parks.length).toBeLessThanOrEqual(MAX_PARKS);
        // Enterprises with a direct link (edge or declared need) in one direction only: however they
        // rank, each direction shows at least MIN_PER_DIRECTION of them when there are that many.
        const leadSet = new Set(lead.segments);
        const chain = leadChain(graph, lead.segments);
        const directIn = (e: EnterpriseCandidate, d: 'upstream' | 'downstream') =>
          e.segments.some((s) => chain.get(s)?.[d]?.kind === 'direct') ||
          (d === 'downstream' && e.needs.some((n) => leadSet.has(n)));
        for (const d of ['upstream', 'downstream'] as const) {
          const other = d === 'upstream' ? 'downstream' : 'upstream';
          const only = ents.filter((e) => directIn(e, d) && !directIn(e, other)).length;
          const shown = r.partners.filter((p) => p.relation === d).length;
          expect(shown).toBeGreaterThanOrEqual(Math.min(MIN_PER_DIRECTION, only));
        }
        const firstShort = r.parks.findIndex((p) => p.landShort);
        if (firstShort >= 0) expect(r.parks.slice(firstShort).every((p) => p.landShort)).toBe(true);
        for (const m of [...r.partners, ...r.parks]) {
          expect(m.score).toBeGreaterThanOrEqual(0);
          expect(m.score).toBeLessThanOrEqual(1);
          expect(m.reasons.length).toBeGreaterThan(0);
        }
        r.partners.forEach((p, i) => expect(p.rank).toBe(i + 1));
        // a fitting park that qualifies is never displaced by a land-short one
        const fitting = parks.filter(
          (p) => lead.landNeedMu == null || p.availableLandMu == null || lead.landNeedMu <= p.availableLandMu,
        );
        if (firstShort >= 0) {
          const shown = new Set(r.parks.map((p) => p.parkId));
          const qualifyingFitting = fitting.filter(
            (p) =>
              matchLead({ graph, lead, enterprises: ents, parks: [p], clusterCounts: countsOf(ents) }).parks
                .length,
          );
          expect(qualifyingFitting.every((p) => shown.has(p.id))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('candidate lists are exact: the first members of each indexed list, trimmed by tier, give the full ranking', () => {
    const phases = { runs: 0, second: 0 };
    const exact = (lead: MatchInput['lead'], ents: EnterpriseCandidate[], rejectedNs: number[]) => {
      const rejected = rejectedNs.map(uuid);
      const full = partnersOf(lead, ents, rejected);
      const list = indexLists(lead, ents, perListLimit(rejected.length));
      const byId = new Map(ents.map((e) => [e.id, e]));
      const indexed = [
        ...new Set(
          [...(['makes', 'needs'] as const)].flatMap((role) =>
            (role === 'makes' ? candidateLists(graph, lead.segments).makes : lead.segments).flatMap((s) =>
              list(role, s).flatMap((g) => g.ids),
            ),
          ),
        ),
      ].map((id) => byId.get(id)!);
      expect(partnersOf(lead, indexed, rejected)).toEqual(full);
      const trimmed = boundCandidates(graph, lead, list, new Set(rejected))!;
      expect(
        partnersOf(
          lead,
          trimmed.map((id) => byId.get(id)!),
          rejected,
        ),
      ).toEqual(full);
      expect(trimmed.length).toBeLessThanOrEqual(indexed.length);
      // Reading the direct lists first: either they settle the bound, with the same result, or
      // the bound asks for the rest.
      const direct = new Set(directLists(graph, lead.segments).makes);
      const first = boundCandidates(
        graph,
        lead,
        (role, seg) => (role === 'needs' || direct.has(seg) ? list(role, seg) : undefined),
        new Set(rejected),
      );
      if (first)
        expect(
          partnersOf(
            lead,
            first.map((id) => byId.get(id)!),
            rejected,
          ),
        ).toEqual(full);
      else phases.second++;
      phases.runs++;
    };
    const rejectedArb = fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 4 });
    // Dense: the lists are cut short, and the direct lists mostly settle the bound.
    const denseLead = fc.record({
      id: fc.constant(uuid(100_000)),
      jurisdiction: fc.constantFrom(...JURS),
      segments: fc.uniqueArray(fc.constantFrom(...DENSE), { minLength: 1, maxLength: 2 }),
      plannedInvestmentWan: investmentArb,
    });
    fc.assert(fc.property(denseLead, denseEntsArb, rejectedArb, exact), { numRuns: 150 });
    // Sparse: few partners per segment, so the two-hop lists are often needed too.
    fc.assert(fc.property(leadArb, entsArb, rejectedArb, exact), { numRuns: 150 });
    expect(phases.second).toBeGreaterThan(0);
    expect(phases.second).toBeLessThan(phases.runs);
  });
});
