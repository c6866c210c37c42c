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
