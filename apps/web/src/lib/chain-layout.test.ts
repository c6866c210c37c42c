import { describe, expect, it } from 'vitest';
import reference from '../../../../libs/taxonomy/reference-data.json';
import type { Segment } from '../api/types';
import { chainLinkStyle, layoutIndustryChain } from './chain-layout';
import { linkSentence, splitLinkReason } from './match-reasons';

const seg = (code: string, stage: Segment['stage']): Segment => ({
  code,
  industry: code.split('.')[0],
  stage,
  name: code,
  nameEn: code,
});

// x: a → b → c inside; m.raw feeds x.a and x.b, m.alloy feeds x.b; x.c feeds y.use;
// y.both is fed by x.c and feeds x.a; m.raw → y.use is between two other industries.
const tax = {
  industries: [{ code: 'x' }, { code: 'm' }, { code: 'y' }],
  segments: [
    seg('x.a', 'upstream'),
    seg('x.b', 'midstream'),
    seg('x.b2', 'midstream'),
    seg('x.c', 'downstream'),
    seg('m.raw', 'upstream'),
    seg('m.alloy', 'midstream'),
    seg('y.use', 'downstream'),
    seg('y.both', 'midstream'),
  ],
  edges: [
    { from: 'x.a', to: 'x.b' },
    { from: 'x.b', to: 'x.c' },
    { from: 'm.raw', to: 'x.a' },
    { from: 'm.raw', to: 'x.b' },
    { from: 'm.alloy', to: 'x.b2' },
    { from: 'x.c', to: 'y.use' },
    { from: 'x.c', to: 'y.both' },
    { from: 'y.both', to: 'x.a' },
    { from: 'm.raw', to: 'y.use' },
  ],
};

describe('industry chain layout with the linked segments of other industries', () => {
  const layout = layoutIndustryChain(tax, 'x');
  const node = (code: string) => layout.nodes.find((n) => n.code === code)!;

  it('puts suppliers from other industries left of upstream and customers right of downstream', () => {
    expect(layout.columns.map((c) => c.column)).toEqual(['in', 'upstream', 'midstream', 'downstream', 'out']);
    expect(node('m.raw')).toMatchObject({ external: true, industry: 'm', column: 'in' });
    expect(node('y.use')).toMatchObject({ external: true, industry: 'y', column: 'out' });
    expect(node('x.a')).toMatchObject({ external: false, industry: 'x', column: 'upstream' });
    expect(node('m.raw').x).toBeLessThan(node('x.a').x);
    expect(node('x.a').x).toBeLessThan(node('x.b').x);
    expect(node('x.b').x).toBeLessThan(node('x.c').x);
    expect(node('x.c').x).toBeLessThan(node('y.use').x);
  });

  it('shows each linked segment once, a supplier-and-customer on the supplier side', () => {
    const codes = layout.nodes.map((n) => n.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.sort()).toEqual(['m.alloy', 'm.raw', 'x.a', 'x.b', 'x.b2', 'x.c', 'y.both', 'y.use']);
    expect(node('y.both').column).toBe('in');
  });

  it('keeps the inner edges, marks the crossing ones, and drops edges between other industries', () => {
    const key = (l: { source: string; target: string }) => `${l.source}>${l.target}`;
    const cross = layout.links.filter((l) => l.cross).map(key);
    const inner = layout.links.filter((l) => !l.cross).map(key);
    expect(inner.sort()).toEqual(['x.a>x.b', 'x.b>x.c']);
    expect(cross.sort()).toEqual([
      'm.alloy>x.b2',
      'm.raw>x.a',
      'm.raw>x.b',
      'x.c>y.both',
      'x.c>y.use',
      'y.both>x.a',
    ]);
    expect(layout.links.map(key)).not.toContain('m.raw>y.use');
  });

  it('groups side nodes by industry and orders them by the height of what they link to', () => {
    const left = layout.nodes.filter((n) => n.column === 'in').sort((a, b) => a.y - b.y);
    // y comes after m in the taxonomy order; within m, m.raw links higher (x.a, x.b) than m.alloy (x.b2).
    expect(left.map((n) => n.code)).toEqual(['m.raw', 'm.alloy', 'y.both']);
  });

  it('has no side columns when the industry has no links outside', () => {
    const alone = layoutIndustryChain(
      {
        industries: [{ code: 'x' }],
        segments: [seg('x.a', 'upstream'), seg('x.c', 'downstream')],
        edges: [],
      },
      'x',
    );
    expect(alone.columns.map((c) => c.column)).toEqual(['upstream', 'midstream', 'downstream']);
    expect(alone.nodes.every((n) => !n.external)).toBe(true);
  });

  it('lays out the reference taxonomy: new materials and others feed NEV, no node overlaps', () => {
    const nev = layoutIndustryChain(reference as never, 'nev');
    const ext = nev.nodes.filter((n) => n.external);
    expect(ext.map((n) => n.code)).toEqual(
      expect.arrayContaining(['nmat.graphene', 'nmat.rare-earth-magnets']),
    );
    expect(ext.every((n) => n.industry !== 'nev')).toBe(true);
    expect(nev.links.find((l) => l.source === 'nmat.graphene' && l.target === 'nev.anode')?.cross).toBe(true);
    const own = (reference as { segments: Segment[] }).segments.filter((s) => s.industry === 'nev');
    expect(nev.nodes.filter((n) => !n.external)).toHaveLength(own.length);
    for (const column of nev.columns) {
      const ys = nev.nodes
        .filter((n) => n.column === column.column)
        .map((n) => n.y)
        .sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(40);
    }
    // New materials supply other industries: its neighbours sit on the right.
    const nmat = layoutIndustryChain(reference as never, 'nmat');
    expect(nmat.nodes.filter((n) => n.column === 'out').map((n) => n.code)).toContain('nev.vehicle');
    // ...two dozen of them: the column runs down from the top, and the industry's own chain stays
    // at the top too instead of being centred on that long column.
    const nmatOwn = nmat.nodes.filter((n) => !n.external);
    const customers = nmat.nodes.filter((n) => n.column === 'out');
    expect(customers.length).toBeGreaterThan(20);
    expect(Math.min(...customers.map((n) => n.y))).toBe(0);
    expect(Math.max(...nmatOwn.map((n) => n.y))).toBeLessThan(nmat.height / 2);
    expect(nmat.height).toBe(Math.max(...nmat.nodes.map((n) => n.y)));
  });

  it('carries each edge’s strength and draws core solid, supporting dashed, other industries lighter', () => {
    const strong = layoutIndustryChain(
      {
        industries: [{ code: 'x' }, { code: 'm' }],
        segments: [seg('x.a', 'upstream'), seg('x.b', 'midstream'), seg('m.raw', 'upstream')],
        edges: [
          { from: 'x.a', to: 'x.b', strength: 'core' },
          { from: 'm.raw', to: 'x.a', strength: 'supporting' },
          { from: 'm.raw', to: 'x.b' },
        ],
      },
      'x',
    );
    const link = (source: string, target: string) =>
      strong.links.find((l) => l.source === source && l.target === target)!;
    expect(link('x.a', 'x.b').strength).toBe('core');
    expect(link('m.raw', 'x.a').strength).toBe('supporting');
    expect(link('m.raw', 'x.b').strength).toBe('core'); // an edge without a strength is drawn as before: solid
    const core = chainLinkStyle(link('x.a', 'x.b'));
    const supporting = chainLinkStyle({ strength: 'supporting', cross: false });
    expect(core.type).toBe('solid');
    expect(supporting.type).toBe('dashed');
    expect(core.width).toBeGreaterThan(supporting.width);
    expect(chainLinkStyle(link('m.raw', 'x.a'))).toMatchObject({ type: 'dashed', color: '#bfbfbf' });
    expect(chainLinkStyle(link('m.raw', 'x.b'))).toMatchObject({ type: 'solid', color: '#bfbfbf' });
  });

  it('draws the reference chain: the battery cell’s four main materials solid, its recycling loop dashed', () => {
    const nev = layoutIndustryChain(reference as never, 'nev');
    const style = (source: string, target: string) =>
      chainLinkStyle(nev.links.find((l) => l.source === source && l.target === target)!).type;
    for (const m of ['nev.cathode', 'nev.anode', 'nev.electrolyte', 'nev.separator'])
      expect(style(m, 'nev.battery-cell')).toBe('solid');
    expect(style('nev.battery-pack', 'nev.battery-recycling')).toBe('dashed');
    expect(style('nev.battery-recycling', 'nev.battery-minerals')).toBe('dashed');
    expect(new Set(nev.links.map((l) => l.strength))).toEqual(new Set(['core', 'supporting']));
  });
});

describe('a match’s link reason', () => {
  const reasons = [
    { code: 'CORE_LINK', text: '为动力电池电芯提供正极材料（核心配套）' },
    { code: 'DIRECT_UPSTREAM', text: '上游配套' },
    { code: 'CROSS_CITY', text: '跨城协同' },
  ];

  it('takes the sentence naming the link out of the reason list, with its strength', () => {
    const split = splitLinkReason(reasons);
    expect(split.strength).toBe('core');
    expect(split.link?.text).toMatch(/^为动力电池电芯提供正极材料/);
    expect(split.others.map((r) => r.code)).toEqual(['DIRECT_UPSTREAM', 'CROSS_CITY']);
    expect(splitLinkReason([{ code: 'SUPPORTING_LINK', text: 'x' }]).strength).toBe('supporting');
  });

  it('drops the closing strength tag from the sentence shown beside the tag', () => {
    expect(linkSentence(reasons[0].text)).toBe('为动力电池电芯提供正极材料');
    expect(linkSentence('登记采购动力电池电芯，用于电池回收（一般配套）')).toBe(
      '登记采购动力电池电芯，用于电池回收',
    );
    expect(linkSentence("Supplies cathode to the project's battery cells (core link)")).toBe(
      "Supplies cathode to the project's battery cells",
    );
  });

  it('leaves matches stored before strengths as they were', () => {
    const old = [{ code: 'DIRECT_UPSTREAM', text: '上游配套' }];
    expect(splitLinkReason(old)).toEqual({ strength: null, link: null, others: old });
    expect(splitLinkReason(old, 'core').strength).toBe('core');
  });
});
