import { REFERENCE_DATA, TaxonomyGraph, referenceTaxonomy } from './taxonomy';

describe('reference taxonomy (DESIGN §8)', () => {
  const t = referenceTaxonomy();
  const graph = new TaxonomyGraph(t);

  it('has the five industries', () => {
    expect(t.industries.map((i) => i.code).sort()).toEqual(['biomed', 'hiequip', 'nev', 'ngit', 'nmat']);
  });

  it('puts every segment in a known industry, with a unique code and a stage', () => {
    const codes = new Set<string>();
    for (const s of t.segments) {
      expect(graph.industryByCode.has(s.industry)).toBe(true);
      expect(s.code.startsWith(`${s.industry}.`)).toBe(true);
      expect(['upstream', 'midstream', 'downstream']).toContain(s.stage);
      expect(codes.has(s.code)).toBe(false);
      codes.add(s.code);
    }
    expect(t.segments).toHaveLength(61);
  });

  it('has every chain edge of the design, each end an existing segment', () => {
    expect(t.edges).toHaveLength(90);
    for (const e of t.edges) {
      expect(graph.hasSegment(e.from)).toBe(true);
      expect(graph.hasSegment(e.to)).toBe(true);
    }
    expect(graph.suppliesTo.get('nev.battery-cell')).toEqual(['nev.battery-pack']);
    expect(graph.suppliedBy.get('nev.battery-cell')).toEqual([
      'nev.anode',
      'nev.cathode',
      'nev.electrolyte',
      'nev.separator',
    ]);
  });

  it('ships the seven parks of §9 with target segments that exist', () => {
    expect(REFERENCE_DATA.parks).toHaveLength(7);
    const coBuilt = REFERENCE_DATA.parks.filter((p) => p.coBuilt);
    expect(coBuilt).toHaveLength(1);
    expect(coBuilt[0].jurisdictions.sort()).toEqual(['beibei', 'mianyang']);
    for (const p of REFERENCE_DATA.parks)
      for (const s of p.targetSegments) expect(graph.hasSegment(s)).toBe(true);
  });

  it('derives industries from segments', () => {
    expect(graph.industriesOf(['nev.cathode', 'ngit.sensors', 'nev.anode'])).toEqual(['nev', 'ngit']);
  });
});
