import { TaxonomyGraph, referenceTaxonomy } from '../taxonomy/taxonomy';
import { withUsccCheck } from '../uscc/uscc';
import { checkEnterpriseItem, checkLeadItem } from './item-validation';
import { collisionView, matchView } from './entity-views';

const graph = new TaxonomyGraph(referenceTaxonomy());
const SEG = 'ngit.ic-design';
const base = {
  externalRef: { system: 's', id: '1' },
  title: 't',
  investor: { name: '某某有限公司' },
  segments: [SEG],
};

describe('checkLeadItem', () => {
  it('accepts a minimal item and fills defaults, deriving industries and the normalised name', () => {
    const c = checkLeadItem(base, graph);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.values).toMatchObject({
      stage: 'lead',
      sharing: 'private',
      confidential: false,
      source: 'partner_system',
      planned_investment_wan: 0,
      industries: ['ngit'],
      contacts: [],
    });
    expect(c.values.investor_norm).toBe('某某');
  });

  it('names every offending field of the item', () => {
    const c = checkLeadItem(
      {
        ...base,
        externalRef: { system: '', id: '1', x: 1 },
        investor: { name: 'n', uscc: '123' },
        segments: [SEG, 'nope'],
        stage: 'done',
        confidential: true,
        plannedInvestmentWan: -1,
        contacts: [{ name: 'a', email: 'bad' }],
        extra: true,
      },
      graph,
    );
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.errors.map((e) => e.field).sort()).toEqual(
      [
        'codeName',
        'contacts[0].email',
        'externalRef.system',
        'externalRef.x',
        'extra',
        'investor.uscc',
        'plannedInvestmentWan',
        'segments[1]',
        'stage',
      ].sort(),
    );
  });

  it('requires externalRef, title, investor and at least one segment', () => {
    const c = checkLeadItem({}, graph);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.errors.map((e) => e.field).sort()).toEqual(['externalRef', 'investor', 'segments', 'title']);
    expect(checkLeadItem(null, graph).ok).toBe(false);
    expect(checkLeadItem([], graph).ok).toBe(false);
  });

  it('upper-cases a valid USCC', () => {
    const uscc = withUsccCheck('91500109MA5U12345');
    const c = checkLeadItem({ ...base, investor: { name: 'n', uscc: uscc.toLowerCase() } }, graph);
    expect(c.ok && c.values.investor_uscc).toBe(uscc);
  });
});

describe('checkEnterpriseItem', () => {
  it('needs an externalRef or a USCC to be keyed by', () => {
    const c = checkEnterpriseItem({ name: 'x', segments: [SEG] }, graph);
    expect(!c.ok && c.errors[0].field).toBe('externalRef');
    expect(
      checkEnterpriseItem({ name: 'x', uscc: withUsccCheck('91500109MA5U12345'), segments: [SEG] }, graph).ok,
    ).toBe(true);
  });
});

describe('feed views', () => {
  const match = {
    id: 'm',
    lead_id: 'l',
    kind: 'partner' as const,
    enterprise_id: 'e',
    park_id: null,
    relation: 'upstream',
    score: 0.8,
    reasons: [],
    status: 'accepted',
    decided_by: 'u',
    decided_at: null,
    decision_note: 'internal',
    algorithm_version: 'v1',
    lead_version: 1,
    computed_at: new Date(0),
    version: 2,
  };
  it('shows a match only with its lead, and its decision note only to the owner', () => {
    expect(matchView(match, { jurisdiction: 'beibei', sharing: 'private' }, 'mianyang')).toBeNull();
    expect(matchView(match, { jurisdiction: 'beibei', sharing: 'shared' }, 'mianyang')).toMatchObject({
      decisionNote: null,
    });
    expect(matchView(match, { jurisdiction: 'beibei', sharing: 'private' }, 'beibei')).toMatchObject({
      decisionNote: 'internal',
    });
    expect(matchView(match, undefined, 'beibei')).toBeNull();
  });

  it('shows a collision to both sides, hiding the other side’s private lead', () => {
    const lead = (id: string, jurisdiction: string, sharing: string) =>
      ({
        id,
        jurisdiction,
        sharing,
        stage: 'visited',
        title: `T${id}`,
        investor_name: `Investor-${id}`,
        confidential: false,
      }) as never;
    const leads = new Map([
      ['a', lead('a', 'beibei', 'private')],
      ['b', lead('b', 'mianyang', 'private')],
    ]);
    const row = {
      id: 'c',
      lead_ids: ['a', 'b'],
      jurisdictions: ['beibei', 'mianyang'],
      basis: 'name',
      similarity: 0.9,
      first_reported_by: 'beibei',
      status: 'open',
      yielded_by: null,
      resolved_at: null,
      note: null,
      version: 1,
      created_at: new Date(0),
      updated_at: new Date(0),
    };
    const v = collisionView(row, leads, 'mianyang')!;
    expect(v.leads[0]).toEqual({
      id: null,
      jurisdiction: 'beibei',
      stage: 'visited',
      title: null,
      investorName: null,
    });
    expect(v.leads[1]).toMatchObject({ id: 'b', title: 'Tb' });
    expect(JSON.stringify(v)).not.toContain('Investor-a');
  });
});
