import type { Jurisdiction, Role } from '../common/request-context';
import {
  CODE_NAME_PLACEHOLDER,
  activityView,
  canChange,
  canManage,
  canSee,
  feedEntry,
  feedEntrySql,
  noticeView,
  isActivityRedacted,
  isListed,
  listedSql,
  isMasked,
  leadView,
  leadViewJsonSql,
  maskedName,
  maskedSql,
  ownerView,
  visibilityBranches,
  visibleSql,
  visibleTitle,
  visibleTitleSql,
} from './lead-policy';
import type { ActivityRow, LeadRow } from './lead-view';

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
  partner_summary: null,
  signed_at: null,
  contract_amount_wan: null,
  project_uscc: null,
  started_at: null,
  operating_at: null,
  funds_in_place: [],
  match_version: 1,
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
    expect(canSee(row(), 'beibei')).toBe(false);
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

  describe('a confidential lead shown to the partner (DESIGN §5)', () => {
    const secret = row({
      sharing: 'shared',
      confidential: true,
      code_name: '项目X',
      summary: '宁德时代计划追加投资，尚未公开',
      partner_summary: '动力电池项目，双方联合跟进',
      stage: 'registered',
      signed_at: '2026-10-01',
      contract_amount_wan: '480000.00',
      project_uscc: '91510700MA6XXXXXXY',
      funds_in_place: [
        { at: '2026-10-20', amountWan: 100000.1, note: '宁德时代首笔出资' },
        { at: '2026-11-20', amountWan: 50000.2 },
      ],
    });

    it('shows partnerSummary instead of summary, no project USCC, funds without notes', () => {
      const v = leadView(secret, 'beibei')!;
      expect(v.summary).toBe('动力电池项目，双方联合跟进');
      expect(v.partnerSummary).toBe('动力电池项目，双方联合跟进');
      expect(v.projectUscc).toBeNull();
      expect(v.fundsInPlace).toEqual([
        { at: '2026-10-20', amountWan: 100000.1 },
        { at: '2026-11-20', amountWan: 50000.2 },
      ]);
      expect(v).toMatchObject({
        signedAt: '2026-10-01',
        contractAmountWan: 480000,
        fundsInPlaceWan: 150000.3,
      });
      const text = JSON.stringify(v);
      for (const hidden of ['宁德时代', '尚未公开', '91510700MA6XXXXXXY', '91350900587527783P'])
        expect(text).not.toContain(hidden);
    });

    it('shows the summary as empty when the owner wrote nothing for the partner', () => {
      expect(leadView({ ...secret, partner_summary: null }, 'beibei')!.summary).toBe('');
    });

    it('shows the owner everything', () => {
      const v = leadView(secret, 'mianyang')!;
      expect(v.summary).toBe('宁德时代计划追加投资，尚未公开');
      expect(v.projectUscc).toBe('91510700MA6XXXXXXY');
      expect(v.fundsInPlace[0].note).toBe('宁德时代首笔出资');
      expect(visibleTitle(secret, 'mianyang')).toBe('宁德时代绵阳电池项目');
      expect(visibleTitle(secret, 'beibei')).toBe('项目X');
    });

    it('withholds the text of the owner city’s activities only, and only from the partner', () => {
      expect(isActivityRedacted(secret, 'mianyang', 'beibei')).toBe(true);
      expect(isActivityRedacted(secret, 'beibei', 'beibei')).toBe(false);
      expect(isActivityRedacted(secret, 'mianyang', 'mianyang')).toBe(false);
      expect(isActivityRedacted({ ...secret, confidential: false }, 'mianyang', 'beibei')).toBe(false);
    });
  });
});

const CITIES: Jurisdiction[] = ['beibei', 'mianyang'];
const SHARINGS = ['private', 'shared'];

describe('canSee (DESIGN §5)', () => {
  it.each(CITIES.flatMap((j) => SHARINGS.flatMap((s) => CITIES.map((v) => [j, s, v]))))(
    'a %s %s lead, read by %s: own city always, the partner only when shared',
    (jurisdiction, sharing, viewer) => {
      const r = row({ jurisdiction, sharing });
      const expected = jurisdiction === viewer || sharing === 'shared';
      expect(canSee(r, viewer as Jurisdiction)).toBe(expected);
      expect(leadView(r, viewer as Jurisdiction) !== null).toBe(expected);
    },
  );

  it.each(CITIES.flatMap((j) => SHARINGS.flatMap((s) => CITIES.map((v) => [j, s, v]))))(
    'an archived %s %s lead, read by %s: by id its own city only; listed nowhere; a feed tombstone where it was seen',
    (jurisdiction, sharing, viewer) => {
      const live = row({ jurisdiction, sharing });
      const r = row({ jurisdiction, sharing, archived_at: '2026-11-05T01:00:00.000Z' });
      const seen = jurisdiction === viewer || sharing === 'shared';
      expect(canSee(r, viewer as Jurisdiction)).toBe(jurisdiction === viewer);
      expect(leadView(r, viewer as Jurisdiction)?.archivedAt ?? null).toBe(
        jurisdiction === viewer ? '2026-11-05T01:00:00.000Z' : null,
      );
      expect(isListed(r, viewer as Jurisdiction)).toBe(false);
      expect(isListed(live, viewer as Jurisdiction)).toBe(seen);
      expect(feedEntry(r, viewer as Jurisdiction)).toBe(seen ? 'tombstone' : null);
      expect(feedEntry(live, viewer as Jurisdiction)).toBe(seen ? 'view' : null);
      expect(noticeView(r, viewer as Jurisdiction)?.archivedAt ?? null).toBe(
        seen ? '2026-11-05T01:00:00.000Z' : null,
      );
    },
  );
});

describe('canChange (DESIGN §5)', () => {
  const owner = '33333333-3333-4333-8333-333333333333';
  const other = '44444444-4444-4444-8444-444444444444';
  const who = (role: Role | null, userId: string | null, jurisdiction: Jurisdiction = 'mianyang') => ({
    jurisdiction,
    role,
    userId,
  });

  it('lets no one of the partner city change a lead, shared or not, whatever the role', () => {
    for (const role of ['officer', 'manager', 'admin', null] as const)
      for (const sharing of SHARINGS)
        expect(canChange(row({ sharing }), who(role, owner, 'beibei'))).toBe('LEAD_READ_ONLY');
  });

  it('lets an officer change only the leads they own', () => {
    expect(canChange(row(), who('officer', owner))).toBeNull();
    expect(canChange(row(), who('officer', other))).toBe('NOT_LEAD_OWNER');
    expect(canChange(row({ owner_id: null }), who('officer', owner))).toBe('NOT_LEAD_OWNER');
  });

  it('lets managers, admins and API keys of the city change any of its leads', () => {
    expect(canChange(row(), who('manager', other))).toBeNull();
    expect(canChange(row(), who('admin', other))).toBeNull();
    expect(canChange(row({ owner_id: null }), who(null, null))).toBeNull();
  });

  it('lets no one change an archived lead (409), the partner city still read-only', () => {
    const archived = row({ archived_at: new Date('2026-11-05T01:00:00Z') });
    for (const role of ['officer', 'manager', 'admin', null] as const) {
      expect(canChange(archived, who(role, owner))).toBe('LEAD_ARCHIVED');
      expect(canChange(archived, who(role, owner, 'beibei'))).toBe('LEAD_READ_ONLY');
    }
  });

  it('lets only managers and admins of the city manage (assign, archive) a lead', () => {
    expect(canManage(row(), who('manager', other))).toBe(true);
    expect(canManage(row(), who('admin', other))).toBe(true);
    expect(canManage(row(), who('officer', owner))).toBe(false);
    expect(canManage(row(), who(null, null))).toBe(false);
    expect(canManage(row({ sharing: 'shared' }), who('manager', other, 'beibei'))).toBe(false);
  });
});

describe('masking', () => {
  it('masks only a confidential lead, and only for the other city', () => {
    for (const confidential of [false, true])
      for (const viewer of CITIES)
        expect(isMasked(row({ confidential }), viewer)).toBe(confidential && viewer !== 'mianyang');
  });

  it('shows the same placeholder everywhere for a confidential lead without a code name', () => {
    for (const code_name of [null, '']) {
      const r = row({ sharing: 'shared', confidential: true, code_name });
      expect(maskedName(r)).toBe(CODE_NAME_PLACEHOLDER);
      expect(visibleTitle(r, 'beibei')).toBe(CODE_NAME_PLACEHOLDER);
      const v = leadView(r, 'beibei')!;
      expect(v.title).toBe(CODE_NAME_PLACEHOLDER);
      expect(v.investor.name).toBe(CODE_NAME_PLACEHOLDER);
    }
    expect(CODE_NAME_PLACEHOLDER).toBe('');
  });

  it('gives the owner view to audit entries whoever reads', () => {
    const r = row({ sharing: 'shared', confidential: true, code_name: '项目X' });
    expect(ownerView(r).investor.name).toBe('宁德时代新能源科技股份有限公司');
    expect(ownerView(r).contacts).toHaveLength(1);
  });
});

describe('activityView', () => {
  const activity = (jurisdiction: string): ActivityRow => ({
    id: '55555555-5555-4555-8555-555555555555',
    lead_id: row().id,
    type: 'visit',
    occurred_at: new Date('2026-11-05T01:00:00Z'),
    summary: '拜访宁德时代总部',
    author_id: '33333333-3333-4333-8333-333333333333',
    author_key_id: null,
    jurisdiction,
    from_stage: null,
    to_stage: null,
    created_at: new Date('2026-11-05T01:00:00Z'),
  });
  const secret = row({ sharing: 'shared', confidential: true, code_name: '项目X' });

  it('keeps only type, date and city of the owner city’s activities for the partner', () => {
    const v = activityView(activity('mianyang'), secret, 'beibei');
    expect(v).toMatchObject({
      type: 'visit',
      redacted: true,
      summary: '',
      authorId: null,
      jurisdiction: 'mianyang',
    });
    expect(v.occurredAt).toBe('2026-11-05T01:00:00.000Z');
  });

  it('keeps the partner’s own activities and everything for the owner whole', () => {
    expect(activityView(activity('beibei'), secret, 'beibei')).toMatchObject({
      redacted: false,
      summary: '拜访宁德时代总部',
    });
    expect(activityView(activity('mianyang'), secret, 'mianyang').redacted).toBe(false);
    expect(activityView(activity('mianyang'), { ...secret, confidential: false }, 'beibei').redacted).toBe(
      false,
    );
  });
});

describe('SQL forms', () => {
  it('name the viewer parameter and the row alias', () => {
    expect(visibleSql('$2', 'l')).toBe(
      "(l.jurisdiction = $2::text OR (l.sharing = 'shared' AND l.archived_at IS NULL))",
    );
    expect(listedSql('$2', 'l')).toContain('l.archived_at IS NULL');
    expect(feedEntrySql('$2', 'l')).toContain('l.archived_at IS NOT NULL');
    expect(maskedSql('$1')).toBe('(leads.jurisdiction <> $1::text AND leads.confidential)');
    expect(visibleTitleSql('$3', 'o')).toContain('o.code_name');
    expect(leadViewJsonSql('$4', 'x')).not.toMatch(/\bleads\./);
  });

  describe('visibilityBranches', () => {
    const bind = () => {
      const params: unknown[] = [];
      return { params, p: (v: unknown) => (params.push(v), `$${params.length}`) };
    };
    const base = { viewer: 'beibei', partner: 'mianyang' } as const;

    it('own leads and the partner’s shared ones', () => {
      const { params, p } = bind();
      expect(visibilityBranches(base, p)).toEqual([
        ['jurisdiction = $1', 'archived_at IS NULL'],
        ['jurisdiction = $2', "sharing = 'shared'", 'archived_at IS NULL'],
      ]);
      expect(params).toEqual(['beibei', 'mianyang']);
    });

    it('leaves archived leads out, by id for an index-only walk', () => {
      for (const b of visibilityBranches({ ...base, indexOnly: true }, bind().p)) {
        expect(b).not.toContain('archived_at IS NULL');
        expect(b.join(' ')).toContain('archived_at IS NOT NULL');
      }
    });

    it('leaves the partner’s confidential leads out of a text search', () => {
      const { p } = bind();
      expect(visibilityBranches({ ...base, searching: true }, p)[1]).toContain('NOT confidential');
      expect(visibilityBranches({ ...base, searching: true }, p)[0]).not.toContain('NOT confidential');
    });

    it('narrows by jurisdiction and sharing', () => {
      expect(visibilityBranches({ ...base, jurisdiction: 'beibei' }, bind().p)).toEqual([
        ['jurisdiction = $1', 'archived_at IS NULL'],
      ]);
      expect(visibilityBranches({ ...base, jurisdiction: 'mianyang' }, bind().p)).toEqual([
        ['jurisdiction = $1', "sharing = 'shared'", 'archived_at IS NULL'],
      ]);
      expect(visibilityBranches({ ...base, sharing: 'private' }, bind().p)).toEqual([
        ['jurisdiction = $1', 'sharing = $2', 'archived_at IS NULL'],
      ]);
      expect(visibilityBranches({ ...base, jurisdiction: 'mianyang', sharing: 'private' }, bind().p)).toEqual(
        [],
      );
    });
  });
});
