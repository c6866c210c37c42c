import fc from 'fast-check';
import { REFERENCE_DATA, TaxonomyGraph, referenceTaxonomy } from '../taxonomy/taxonomy';
import { candidateLists } from './chain';
import {
  ALGORITHM_VERSION,
  EnterpriseCandidate,
  MAX_PARKS,
  MAX_PARTNERS,
  MatchInput,
  ParkCandidate,
  boundCandidates,
  clusterKey,
  matchLead,
} from './engine';
import { localizeReason } from './reasons';

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
  it('proposes Mianyang cathode/separator suppliers upstream and pack/vehicle makers downstream for a Beibei battery-cell lead', () => {
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
    expect(byId.get(uuid(1))?.reasons.map((x) => x.code)).toEqual(['DIRECT_UPSTREAM', 'CROSS_CITY']);
    expect(byId.get(uuid(3))?.relation).toBe('downstream');
    expect(byId.get(uuid(4))?.relation).toBe('downstream');
    expect(byId.get(uuid(4))?.reasons.map((x) => x.code)).toContain('TWO_HOP_CHAIN');
    expect(byId.has(uuid(5))).toBe(false);
    expect(byId.has(uuid(6))).toBe(false);
    // cross-city direct suppliers first, then the same-city direct customer, then two hops
    expect(r.partners.map((p) => p.enterpriseId)).toEqual([uuid(1), uuid(2), uuid(3), uuid(4)]);
    expect(r.algorithmVersion).toBe(ALGORITHM_VERSION);
    const cathode = byId.get(uuid(1))!.reasons[0];
    expect(cathode.text).toContain('正极材料');
    expect(cathode.textEn).toContain('cathode');
    expect(localizeReason(cathode, 'en').text).toBe(cathode.textEn);
    expect(localizeReason(cathode, 'zh-CN').text).toBe(cathode.text);
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

  it('records declared demand as DECLARED_NEED, downstream', () => {
    const r = matchLead(
      input({ id: uuid(100), jurisdiction: 'beibei', segments: ['nev.battery-cell'] }, [
        ent(1, 'beibei', ['biomed.generics'], { needs: ['nev.battery-cell'] }),
      ]),
    );
    expect(r.partners).toHaveLength(1);
    expect(r.partners[0]).toMatchObject({ relation: 'downstream' });
    expect(r.partners[0].reasons[0].code).toBe('DECLARED_NEED');
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
const entArb = (n: number) =>
  fc.record({
    id: fc.constant(uuid(n)),
    name: fc.constant(`E${n}`),
    jurisdiction: fc.constantFrom(...JURS),
    segments: fc.uniqueArray(segArb, { minLength: 1, maxLength: 3 }),
    needs: fc.uniqueArray(segArb, { maxLength: 2 }),
    chainLeader: fc.boolean(),
  });
const entsArb = fc
  .integer({ min: 0, max: 40 })
  .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => entArb(i + 1))));
// Dense: many enterprises in few segments, so the bounded lists really cut (exactness property).
const NEV = SEGMENTS.filter((s) => s.startsWith('nev.'));
const denseEntsArb = fc.tuple(
  ...Array.from({ length: 120 }, (_, i) =>
    fc.record({
      id: fc.constant(uuid(i + 1)),
      name: fc.constant(`E${i + 1}`),
      jurisdiction: fc.constantFrom(...JURS),
      segments: fc.uniqueArray(fc.constantFrom(...NEV), { minLength: 1, maxLength: 2 }),
      needs: fc.uniqueArray(fc.constantFrom(...NEV), { maxLength: 1 }),
      chainLeader: fc.boolean(),
    }),
  ),
);
const leadArb = fc.record({
  id: fc.constant(uuid(100_000)),
  jurisdiction: fc.constantFrom(...JURS),
  segments: fc.uniqueArray(segArb, { minLength: 1, maxLength: 3 }),
  landNeedMu: fc.option(fc.integer({ min: 1, max: 2500 }), { nil: null }),
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

  it('never proposes a peer (an enterprise whose only link is a shared segment)', () => {
    fc.assert(
      fc.property(
        leadArb,
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(...JURS),
        fc.boolean(),
        (lead, k, j, leader) => {
          const peer = ent(1, j, lead.segments.slice(0, k), { chainLeader: leader });
          const r = matchLead({ graph, lead, enterprises: [peer], parks: [], clusterCounts: new Map() });
          expect(r.partners).toEqual([]);
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
        const ents = [...others, same, cross];
        const ids = matchLead({
          graph,
          lead,
          enterprises: ents,
          parks: [],
          clusterCounts: new Map(),
        }).partners.map((p) => p.enterpriseId);
        if (ids.includes(same.id)) {
          expect(ids).toContain(cross.id);
          expect(posOf(ids, cross.id)).toBeLessThan(posOf(ids, same.id));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ranks DECLARED_NEED above plain adjacency', () => {
    fc.assert(
      fc.property(
        leadArb,
        entsArb,
        fc.constantFrom(...JURS),
        fc.boolean(),
        fc.constantFrom(...JURS),
        fc.boolean(),
        (lead, others, j1, l1, j2, l2) => {
          const needer = ent(300_002, j1, ['biomed.tcm'], { needs: [lead.segments[0]], chainLeader: l1 });
          const adjacentSeg = SEGMENTS.find(
            (s) =>
              !lead.segments.includes(s) &&
              (lead.segments.some((l) => graph.suppliesTo.get(s)?.includes(l)) ||
                lead.segments.some((l) => graph.suppliedBy.get(s)?.includes(l))),
          );
          if (!adjacentSeg) return;
          const adjacent = ent(300_001, j2, [adjacentSeg], { chainLeader: l2 });
          const ids = matchLead({
            graph,
            lead,
            enterprises: [...others, adjacent, needer],
            parks: [],
            clusterCounts: new Map(),
          }).partners.map((p) => p.enterpriseId);
          if (ids.includes(adjacent.id) && !lead.segments.includes('biomed.tcm')) {
            expect(posOf(ids, needer.id)).toBeGreaterThanOrEqual(0);
            expect(posOf(ids, needer.id)).toBeLessThan(posOf(ids, adjacent.id));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never ranks a park without enough land above one that fits; at most 10 partners and 3 parks; scores in 0..1', () => {
    fc.assert(
      fc.property(leadArb, entsArb, parksArb, (lead, ents, parks) => {
        const r = matchLead({ graph, lead, enterprises: ents, parks, clusterCounts: countsOf(ents) });
        expect(r.partners.length).toBeLessThanOrEqual(MAX_PARTNERS);
        expect(r.parks.length).toBeLessThanOrEqual(MAX_PARKS);
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

  it('candidate lists are exact: the first 10 per (segment, role, leader, jurisdiction) give the full ranking', () => {
    const nevLead = fc.record({
      id: fc.constant(uuid(100_000)),
      jurisdiction: fc.constantFrom(...JURS),
      segments: fc.uniqueArray(fc.constantFrom(...NEV), { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(nevLead, denseEntsArb, (lead, ents) => {
        const full = matchLead({
          graph,
          lead,
          enterprises: ents,
          parks: [],
          clusterCounts: new Map(),
        }).partners;
        const lists = candidateLists(graph, lead.segments);
        const picked = new Map<string, EnterpriseCandidate>();
        const sorted = [...ents].sort((a, b) => (a.id < b.id ? -1 : 1));
        for (const [role, segs] of [
          ['makes', lists.makes],
          ['needs', lists.needs],
        ] as const)
          for (const s of segs)
            for (const leader of [true, false])
              for (const j of JURS)
                sorted
                  .filter(
                    (e) =>
                      (role === 'makes' ? e.segments : e.needs).includes(s) &&
                      e.chainLeader === leader &&
                      e.jurisdiction === j,
                  )
                  .slice(0, MAX_PARTNERS)
                  .forEach((e) => picked.set(e.id, e));
        const bounded = matchLead({
          graph,
          lead,
          enterprises: [...picked.values()],
          parks: [],
          clusterCounts: new Map(),
        }).partners;
        expect(bounded).toEqual(full);
        // and trimming whole tiers keeps it exact
        const byList = (role: 'makes' | 'needs', seg: string) =>
          [...picked.values()].filter((e) => (role === 'makes' ? e.segments : e.needs).includes(seg));
        const trimmed = boundCandidates(graph, lead, byList);
        expect(
          matchLead({ graph, lead, enterprises: trimmed, parks: [], clusterCounts: new Map() }).partners,
        ).toEqual(full);
        expect(picked.size).toBeLessThanOrEqual(ents.length);
      }),
      { numRuns: 150 },
    );
  });
});
