import { describe, expect, it } from 'vitest';
import type { Lead } from '../api/types';
import {
  changedFields,
  editConflicts,
  leadToEdit,
  normalise,
  patchBody,
  resolveConflicts,
} from './lead-edit';

const lead = {
  id: 'l1',
  title: '电池包项目',
  investor: { name: '某某新能源有限公司', uscc: null, country: null },
  summary: '',
  segments: ['nev.battery-pack'],
  plannedInvestmentWan: 30000,
  landNeedMu: null,
  expectedJobs: null,
  stage: 'lead',
  jurisdiction: 'beibei',
  ownerId: 'u1',
  sharing: 'private',
  confidential: false,
  codeName: null,
  source: 'referral',
  nextActionAt: null,
  contacts: [],
  partnerSummary: null,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
} as unknown as Lead;

describe('lead edit: changes, PATCH body and conflicts', () => {
  it('a form equal to the lead changes nothing; empty text is null', () => {
    const base = leadToEdit(lead);
    const form = normalise({ ...base, summary: '   ', investorUscc: '' });
    expect(changedFields(base, form)).toEqual([]);
  });

  it('sends only the changed fields, investor fields nested, sharing as a word', () => {
    const base = leadToEdit(lead);
    const mine = { ...base, investorName: '新名称有限公司', sharing: true, expectedJobs: 80 };
    const fields = changedFields(base, mine);
    expect(fields).toEqual(['investorName', 'expectedJobs', 'sharing']);
    expect(patchBody(mine, fields)).toEqual({
      investor: { name: '新名称有限公司' },
      expectedJobs: 80,
      sharing: 'shared',
    });
  });

  it('after a 412 lists what the other person changed, and merges the user’s choices', () => {
    const base = leadToEdit(lead);
    const mine = { ...base, title: '我的标题', expectedJobs: 80 };
    const theirs = { ...base, title: '他的标题', plannedInvestmentWan: 88000 };
    const conflicts = editConflicts(base, mine, theirs);
    expect(conflicts.map((c) => [c.field, c.both])).toEqual([
      ['title', true],
      ['plannedInvestmentWan', false],
    ]);
    const keep = resolveConflicts(base, mine, theirs, { title: 'mine', plannedInvestmentWan: 'theirs' });
    expect(keep.values).toMatchObject({ title: '我的标题', plannedInvestmentWan: 88000, expectedJobs: 80 });
    expect(keep.fields).toEqual(['title', 'expectedJobs']);
    const take = resolveConflicts(base, mine, theirs, { title: 'theirs', plannedInvestmentWan: 'mine' });
    expect(take.values).toMatchObject({ title: '他的标题', plannedInvestmentWan: 30000, expectedJobs: 80 });
    expect(take.fields).toEqual(['plannedInvestmentWan', 'expectedJobs']);
  });

  it('days and times compare in one form, whether typed or picked', () => {
    const picked = { format: () => '2026-06-01', toISOString: () => '2026-06-01T00:00:00.000Z' };
    const a = normalise({ signedAt: picked, nextActionAt: picked });
    const b = normalise({ signedAt: '2026-06-01', nextActionAt: '2026-06-01T00:00:00Z' });
    expect(changedFields(a, b)).toEqual([]);
  });
});
