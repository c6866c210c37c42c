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

  it('has the chain edges, each end an existing segment, each once, none a loop', () => {
    expect(t.edges).toHaveLength(148);
    const keys = new Set<string>();
    for (const e of t.edges) {
      expect(graph.hasSegment(e.from)).toBe(true);
      expect(graph.hasSegment(e.to)).toBe(true);
      expect(e.from).not.toBe(e.to);
      expect(keys.has(`${e.from}>${e.to}`)).toBe(false);
      keys.add(`${e.from}>${e.to}`);
    }
    expect(graph.suppliesTo.get('nev.battery-cell')).toEqual([
      'hiequip.drones',
      'nev.battery-pack',
      'nev.battery-recycling',
      'nev.vehicle',
    ]);
    expect(graph.suppliedBy.get('nev.battery-cell')).toEqual([
      'hiequip.system-integration',
      'nev.anode',
      'nev.cathode',
      'nev.electrolyte',
      'nev.separator',
      'nmat.graphene',
    ]);
    // every segment is on the chain
    for (const s of t.segments) expect(graph.neighbours(s.code).length).toBeGreaterThan(0);
  });

  it('gives every edge a strength and a one-line reason in Chinese and English (DESIGN §8)', () => {
    for (const e of t.edges) {
      expect(['core', 'supporting']).toContain(e.strength);
      expect(e.reason).toMatch(/[\u4e00-\u9fff]/);
      expect(e.reason).not.toMatch(/\n/);
      expect(e.reasonEn).toMatch(/^[A-Z0-9][^\u4e00-\u9fff\n]+$/);
    }
    const strength = (from: string, to: string) => graph.edge(from, to)?.strength;
    // the four main materials of a cell, and its direct customers, are core
    for (const m of ['nev.cathode', 'nev.anode', 'nev.electrolyte', 'nev.separator'])
      expect(strength(m, 'nev.battery-cell')).toBe('core');
    expect(strength('nev.battery-cell', 'nev.battery-pack')).toBe('core');
    expect(strength('nev.battery-cell', 'nev.vehicle')).toBe('core');
    // recycling loops, testing services, general equipment and widely used software are supporting
    expect(strength('nev.battery-pack', 'nev.battery-recycling')).toBe('supporting');
    expect(strength('nev.battery-recycling', 'nev.battery-minerals')).toBe('supporting');
    expect(strength('nmat.testing-services', 'nmat.advanced-alloys')).toBe('supporting');
    expect(strength('hiequip.robots', 'nev.vehicle')).toBe('supporting');
    expect(strength('ngit.software-cloud', 'biomed.healthcare-services')).toBe('supporting');
    // both kinds in every industry
    for (const i of t.industries) {
      const own = t.edges.filter((e) => graph.industryOf(e.to) === i.code);
      expect(own.some((e) => e.strength === 'core')).toBe(true);
      expect(own.some((e) => e.strength === 'supporting')).toBe(true);
    }
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
