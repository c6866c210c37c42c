import { TaxonomyGraph, referenceTaxonomy } from '../taxonomy/taxonomy';
import type { EnterpriseCandidate } from '../matching/engine';
import { OutcomeLead, eventOutcomes, suggestInvitees, suggestionSegments } from './promotion-event';

const graph = new TaxonomyGraph(referenceTaxonomy());
const ent = (
  id: string,
  segments: string[],
  over: Partial<EnterpriseCandidate> = {},
): EnterpriseCandidate => ({
  id,
  name: id,
  jurisdiction: 'beibei',
  segments,
  needs: [],
  chainLeader: false,
  ...over,
});

describe('event outcomes (DESIGN §16)', () => {
  const lead = (over: Partial<OutcomeLead>): OutcomeLead => ({
    stage: 'lead',
    resumeStage: null,
    signedAt: null,
    contractAmountWan: null,
    fundsInPlaceWan: 0,
    ...over,
  });

  it('counts leads, stages reached, money of the signed ones and cost per signed deal', () => {
    const o = eventOutcomes(
      [
        lead({}),
        lead({ stage: 'visited' }),
        lead({ stage: 'on_hold', resumeStage: 'negotiating' }),
        lead({ stage: 'signed', signedAt: '2026-11-01', contractAmountWan: 1000.5, fundsInPlaceWan: 200 }),
        lead({
          stage: 'operating',
          signedAt: '2026-10-01',
          contractAmountWan: 3000,
          fundsInPlaceWan: 2500.25,
        }),
        lead({ stage: 'lost' }),
      ],
      90,
    );
    expect(o).toMatchObject({
      leads: 6,
      signed: 2,
      contractAmountWan: 4000.5,
      fundsInPlaceWan: 2700.25,
      costPerSignedWan: 45,
    });
    expect(o.reached).toMatchObject({
      lead: 6,
      contacted: 4,
      visited: 4,
      negotiating: 3,
      signed: 2,
      operating: 1,
    });
    expect(o.byStage).toMatchObject({ lead: 1, on_hold: 1, lost: 1 });
  });

  it('has no cost per deal without a signed deal or a budget', () => {
    expect(eventOutcomes([lead({})], 50).costPerSignedWan).toBeNull();
    expect(
      eventOutcomes([lead({ signedAt: '2026-11-01', stage: 'signed' })], null).costPerSignedWan,
    ).toBeNull();
    expect(eventOutcomes([], 10)).toMatchObject({ leads: 0, signed: 0, costPerSignedWan: null });
  });
});

describe('invitee suggestions (DESIGN §16, the chain of §10)', () => {
  const focus = ['nev.battery-cell'];

  it('takes direct neighbours only: never the focus segment itself or two hops', () => {
    const segs = suggestionSegments(graph, focus);
    expect(segs).toEqual(expect.arrayContaining(['nev.cathode', 'nev.battery-pack', 'nev.vehicle']));
    expect(segs).not.toContain('nev.battery-cell');
    expect(segs).not.toContain('nev.battery-minerals');
  });

  it('suggests partners up and down the chain, leaders first, then core before supporting', () => {
    const out = suggestInvitees(
      graph,
      focus,
      [
        ent('graphene', ['nmat.graphene']),
        ent('cathode', ['nev.cathode']),
        ent('leader', ['nev.battery-pack'], { chainLeader: true, jurisdiction: 'mianyang' }),
        ent('peer', ['nev.battery-cell']),
        ent('minerals', ['nev.battery-minerals']),
        ent('pharma', ['biomed.api'], { chainLeader: true }),
        ent('buyer', ['hiequip.robots'], { needs: ['nev.battery-cell'] }),
      ],
      'zh-CN',
      { limit: 10 },
    );
    const ids = out.map((s) => s.enterpriseId);
    expect(ids[0]).toBe('leader');
    expect(ids).not.toEqual(expect.arrayContaining(['peer']));
    expect(ids).not.toContain('minerals');
    expect(ids).not.toContain('pharma');
    expect(ids.indexOf('cathode')).toBeLessThan(ids.indexOf('graphene'));
    expect(out.find((s) => s.enterpriseId === 'cathode')).toMatchObject({
      relation: 'upstream',
      strength: 'core',
    });
    expect(out.find((s) => s.enterpriseId === 'buyer')!.reasons.map((r) => r.code)).toContain(
      'DECLARED_NEED',
    );
    expect(out.find((s) => s.enterpriseId === 'leader')!.reasons.map((r) => r.code)).toContain(
      'CHAIN_LEADER',
    );
  });

  it('leaves out the excluded (already invited) and suggests nothing without focus segments', () => {
    const list = [ent('cathode', ['nev.cathode'])];
    expect(suggestInvitees(graph, focus, list, 'en', { exclude: ['cathode'], limit: 10 })).toEqual([]);
    expect(suggestInvitees(graph, [], list, 'en', { limit: 10 })).toEqual([]);
  });
});
