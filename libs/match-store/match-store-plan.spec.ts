import type { Reason } from '../matching/reasons';
import { ProducedMatch, StoredMatch, planMatchStore, reasonsMd5, rejectedTargets } from './match-store-plan';

const LEAD = { id: 'lead-1', version: 7, jurisdiction: 'beibei' };
const V = 'v-test';
const reasons: Reason[] = [{ code: 'DIRECT_UPSTREAM', text: '上游供应', textEn: 'upstream supplier' }];

const produced = (target: string, over: Partial<ProducedMatch> = {}): ProducedMatch => ({
  kind: 'partner',
  target,
  relation: 'upstream',
  score: 80,
  rank: 1,
  reasons,
  ...over,
});

const stored = (
  target: string,
  status: StoredMatch['status'],
  over: Partial<StoredMatch> = {},
): StoredMatch => ({
  id: `m-${target}`,
  lead_id: LEAD.id,
  kind: 'partner',
  target,
  relation: 'upstream',
  score: 80,
  rank: 1,
  reasons_md5: reasonsMd5(reasons),
  status,
  version: 3,
  algorithm_version: V,
  ...over,
});

const plan = (s: StoredMatch[], p: ProducedMatch[]) => planMatchStore(LEAD, s, p, V);

describe('planMatchStore (DESIGN §10)', () => {
  it('inserts what is new, as proposals of the lead', () => {
    const out = plan([], [produced('e1')]);
    expect(out.inserts).toEqual([
      { ...produced('e1'), leadId: LEAD.id, leadVersion: 7, jurisdiction: 'beibei' },
    ]);
    expect(out.updates).toEqual([]);
  });

  it('writes nothing for a match produced again unchanged (no version bump)', () => {
    for (const status of ['proposed', 'accepted'] as const)
      expect(plan([stored('e1', status)], [produced('e1')])).toEqual({ inserts: [], updates: [] });
  });

  it('keeps an accepted match accepted, with the new score', () => {
    const { updates } = plan([stored('e1', 'accepted')], [produced('e1', { score: 90 })]);
    expect(updates).toEqual([
      expect.objectContaining({ id: 'm-e1', status: 'accepted', score: 90, reproposed: false }),
    ]);
  });

  it('keeps an accepted match that is no longer produced, untouched', () => {
    expect(plan([stored('e1', 'accepted')], [])).toEqual({ inserts: [], updates: [] });
  });

  it('never resurrects a rejected match, even when produced again', () => {
    expect(plan([stored('e1', 'rejected')], [produced('e1', { score: 99 })])).toEqual({
      inserts: [],
      updates: [],
    });
    expect(plan([stored('e1', 'rejected')], [])).toEqual({ inserts: [], updates: [] });
  });

  it('withdraws the proposals no longer produced, keeping their reasons', () => {
    const { updates } = plan([stored('e1', 'proposed'), stored('e2', 'proposed')], [produced('e1')]);
    expect(updates).toEqual([
      expect.objectContaining({ id: 'm-e2', status: 'withdrawn', reasons: null, leadVersion: 7, version: 3 }),
    ]);
  });

  it('proposes a withdrawn match again when produced again, announced as new', () => {
    const { updates } = plan([stored('e1', 'withdrawn')], [produced('e1')]);
    expect(updates).toEqual([expect.objectContaining({ id: 'm-e1', status: 'proposed', reproposed: true })]);
  });

  it('rewrites a match whose rank, relation, reasons or algorithm changed', () => {
    const changed = [
      produced('e1', { rank: 2 }),
      produced('e1', { relation: 'downstream' }),
      produced('e1', { reasons: [{ code: 'CROSS_CITY', text: '别的', textEn: 'other' }] }),
    ];
    for (const p of changed) expect(plan([stored('e1', 'proposed')], [p]).updates).toHaveLength(1);
    expect(planMatchStore(LEAD, [stored('e1', 'proposed')], [produced('e1')], 'v-next').updates).toHaveLength(
      1,
    );
  });

  it('tells partner and park matches of the same target apart', () => {
    const out = plan([stored('x', 'proposed')], [produced('x', { kind: 'park', relation: null })]);
    expect(out.inserts).toHaveLength(1);
    expect(out.updates).toEqual([expect.objectContaining({ id: 'm-x', status: 'withdrawn' })]);
  });
});

describe('rejectedTargets', () => {
  it('lists the rejected targets of one kind', () => {
    const s = [stored('a', 'rejected'), stored('b', 'accepted'), stored('c', 'rejected', { kind: 'park' })];
    expect(rejectedTargets(s, 'partner')).toEqual(['a']);
    expect(rejectedTargets(s, 'park')).toEqual(['c']);
  });
});
