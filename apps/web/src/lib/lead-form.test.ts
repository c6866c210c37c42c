import { describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../../../libs/uscc/uscc';
import { toLeadBody, validateLeadForm } from './lead-form';

const base = { title: '电池包项目', investorName: '某某新能源有限公司', segments: ['nev.battery-pack'] };

describe('lead form validation', () => {
  it('passes a minimal complete form', () => {
    expect(validateLeadForm(base, 'zh')).toEqual({});
  });

  it('names each missing required field in the current language', () => {
    const errors = validateLeadForm({}, 'en');
    expect(Object.keys(errors).sort()).toEqual(['investorName', 'segments', 'title']);
    expect(errors.title).toBe('Title is required');
    expect(validateLeadForm({}, 'zh').investorName).toBe('请填写投资方名称');
  });

  it('rejects a USCC with a wrong check character, accepts a right one', () => {
    const good = withUsccCheck('91510700MA6U0A1B2');
    const bad = good.slice(0, 17) + (good[17] === 'A' ? 'B' : 'A');
    expect(validateLeadForm({ ...base, investorUscc: good }, 'zh')).toEqual({});
    expect(validateLeadForm({ ...base, investorUscc: bad }, 'en').investorUscc).toMatch(/check character/i);
    expect(validateLeadForm({ ...base, investorUscc: '9151' }, 'en').investorUscc).toMatch(/18 characters/);
  });

  it('refuses negative amounts and requires a code name when confidential', () => {
    const errors = validateLeadForm({ ...base, plannedInvestmentWan: -1, confidential: true }, 'en');
    expect(errors.plannedInvestmentWan).toMatch(/cannot be negative/);
    expect(errors.codeName).toBe('Code name is required');
  });

  it('requires a name on each contact row', () => {
    expect(
      validateLeadForm({ ...base, contacts: [{ phone: '123' }] }, 'en')['contacts.0.name'],
    ).toBeDefined();
  });
});

describe('lead body', () => {
  it('builds the DESIGN §4 shape, amounts in 万元 and land in 亩 as given, empty values left out', () => {
    const body = toLeadBody({
      ...base,
      investorUscc: ' 91510700ma6u0a1b2x ',
      investorCountry: '',
      plannedInvestmentWan: 50000,
      landNeedMu: 120.5,
      expectedJobs: null,
      sharing: true,
      confidential: false,
      summary: '  ',
      contacts: [{ name: '张三', phone: '138', email: '' }, { name: '' }],
    });
    expect(body).toEqual({
      title: '电池包项目',
      investor: { name: '某某新能源有限公司', uscc: '91510700MA6U0A1B2X' },
      segments: ['nev.battery-pack'],
      sharing: 'shared',
      confidential: false,
      plannedInvestmentWan: 50000,
      landNeedMu: 120.5,
      contacts: [{ name: '张三', phone: '138' }],
    });
  });
});

describe('milestone facts on the new-lead form (DESIGN §6)', () => {
  const uscc = withUsccCheck('91510700MA6U0A1B2');

  it('asks for the facts of every milestone up to the chosen stage, by their labels', () => {
    expect(validateLeadForm({ ...base, stage: 'negotiating' }, 'zh')).toEqual({});
    const errors = validateLeadForm({ ...base, stage: 'registered' }, 'zh');
    expect(errors).toEqual({
      signedAt: '请填写签约日期',
      contractAmountWan: '请填写签约额（万元）',
      projectUscc: '请填写项目公司统一社会信用代码',
    });
    expect(
      validateLeadForm(
        { ...base, stage: 'registered', signedAt: '2026-06-01', contractAmountWan: 0, projectUscc: '9151' },
        'en',
      ).projectUscc,
    ).toMatch(/18 characters/);
  });

  it('sends the facts the stage needs (days as YYYY-MM-DD), and only those', () => {
    const picked = { format: (f: string) => (f === 'YYYY-MM-DD' ? '2026-06-01' : 'wrong') };
    const body = toLeadBody({
      ...base,
      stage: 'registered',
      signedAt: picked,
      contractAmountWan: 48000,
      projectUscc: uscc.toLowerCase(),
      startedAt: '2026-07-01', // left over from a stage picked before: not sent
      partnerSummary: ' 给合作方 ',
    });
    expect(body).toMatchObject({
      stage: 'registered',
      signedAt: '2026-06-01',
      contractAmountWan: 48000,
      projectUscc: uscc,
      partnerSummary: '给合作方',
    });
    expect(body).not.toHaveProperty('startedAt');
  });
});
