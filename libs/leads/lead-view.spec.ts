import { LeadRow, canSeeLead, leadView } from './lead-view';

const row = (over: Partial<LeadRow> = {}): LeadRow => ({
  id: '11111111-1111-4111-8111-111111111111',
  title: '宁德时代绵阳电池项目',
  investor_name: '宁德时代新能源科技股份有限公司',
  investor_norm: '宁德时代新能源科技',
  investor_uscc: '91350900587527783P',
  investor_enterprise_id: '22222222-2222-4222-8222-222222222222',
  investor_country: 'CN',
  summary: '动力电池基地',
  segments: ['nev.battery-cell'],
  industries: ['nev'],
  planned_investment_wan: '500000.00',
  land_need_mu: '300.50',
  expected_jobs: 2000,
  stage: 'contacted',
  resume_stage: null,
  jurisdiction: 'mianyang',
  owner_id: '33333333-3333-4333-8333-333333333333',
  sharing: 'private',
  confidential: false,
  code_name: null,
  source: 'referral',
  next_action_at: new Date('2026-12-01T02:00:00Z'),
  contacts: [{ name: '张经理', phone: '13800000000', email: 'z@example.com' }],
  external_refs: [{ system: 'crm-x', id: '42' }],
  linked_lead_ids: [],
  version: 3,
  created_at: new Date('2026-11-01T00:00:00Z'),
  updated_at: '2026-11-02T00:00:00.000Z',
  ...over,
});

describe('leadView (DESIGN §5)', () => {
  it('shows the owning jurisdiction everything, in camelCase with numbers', () => {
    const v = leadView(row(), 'mianyang')!;
    expect(v).toMatchObject({
      id: row().id,
      title: '宁德时代绵阳电池项目',
      investor: {
        name: '宁德时代新能源科技股份有限公司',
        uscc: '91350900587527783P',
        enterpriseId: '22222222-2222-4222-8222-222222222222',
        country: 'CN',
      },
      plannedInvestmentWan: 500000,
      landNeedMu: 300.5,
      expectedJobs: 2000,
      stage: 'contacted',
      jurisdiction: 'mianyang',
      sharing: 'private',
      nextActionAt: '2026-12-01T02:00:00.000Z',
      contacts: [{ name: '张经理', phone: '13800000000', email: 'z@example.com' }],
      externalRefs: [{ system: 'crm-x', id: '42' }],
      version: 3,
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-02T00:00:00.000Z',
    });
    expect(v).not.toHaveProperty('investor_norm');
  });

  it('hides a private lead from the partner jurisdiction', () => {
    expect(leadView(row(), 'beibei')).toBeNull();
    expect(canSeeLead(row(), 'beibei')).toBe(false);
  });

  it('shows a shared lead to the partner, without contacts', () => {
    const v = leadView(row({ sharing: 'shared' }), 'beibei')!;
    expect(v.investor.name).toBe('宁德时代新能源科技股份有限公司');
    expect(v.investor.uscc).toBe('91350900587527783P');
    expect(v.contacts).toEqual([]);
  });

  it('shows the partner the code name of a confidential shared lead, never its name or USCC', () => {
    const r = row({ sharing: 'shared', confidential: true, code_name: '项目X' });
    const v = leadView(r, 'beibei')!;
    expect(v.investor).toEqual({ name: '项目X', uscc: null, enterpriseId: null, country: 'CN' });
    expect(v.title).toBe('项目X');
    expect(v.codeName).toBe('项目X');
    expect(v.contacts).toEqual([]);
    const text = JSON.stringify(v);
    expect(text).not.toContain('宁德时代');
    expect(text).not.toContain('91350900587527783P');
  });

  it('shows the owner a confidential lead in full', () => {
    const v = leadView(row({ confidential: true, code_name: '项目X' }), 'mianyang')!;
    expect(v.investor.name).toBe('宁德时代新能源科技股份有限公司');
    expect(v.title).toBe('宁德时代绵阳电池项目');
    expect(v.contacts).toHaveLength(1);
  });

  it('maps nulls to nulls', () => {
    const v = leadView(row({ land_need_mu: null, next_action_at: null, investor_uscc: null }), 'mianyang')!;
    expect(v.landNeedMu).toBeNull();
    expect(v.nextActionAt).toBeNull();
    expect(v.investor.uscc).toBeNull();
  });
});
