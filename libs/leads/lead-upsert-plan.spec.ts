import {
  LeadValues,
  LeadUpsertRow,
  leadValueChanges,
  planLeadUpserts,
  storedValues,
} from './lead-upsert-plan';
import type { ExistingLead } from './lead-upsert-plan';
import type { LeadRow } from './lead-view';

const values = (over: Partial<LeadValues> = {}): LeadValues => ({
  title: '电池项目',
  investor_name: '某某电池有限公司',
  investor_norm: '某某电池',
  investor_uscc: null,
  investor_enterprise_id: null,
  investor_country: null,
  summary: '',
  segments: ['nev.battery-cell'],
  industries: ['nev'],
  planned_investment_wan: 1000,
  land_need_mu: null,
  expected_jobs: null,
  stage: 'lead',
  sharing: 'private',
  confidential: false,
  code_name: null,
  source: 'partner_system',
  next_action_at: null,
  contacts: [],
  partner_summary: null,
  signed_at: null,
  contract_amount_wan: null,
  project_uscc: null,
  started_at: null,
  operating_at: null,
  funds_in_place: [],
  ...over,
});

const ID = '11111111-1111-4111-8111-111111111111';
const stored = (over: Partial<LeadRow> = {}): ExistingLead => ({
  id: ID,
  title: '电池项目',
  investor_name: '某某电池有限公司',
  investor_norm: '某某电池',
  investor_uscc: null,
  investor_enterprise_id: null,
  investor_country: null,
  summary: '',
  segments: ['nev.battery-cell'],
  industries: ['nev'],
  planned_investment_wan: '1000.00',
  land_need_mu: null,
  expected_jobs: null,
  stage: 'lead',
  resume_stage: null,
  jurisdiction: 'beibei',
  owner_id: null,
  sharing: 'private',
  confidential: false,
  code_name: null,
  source: 'partner_system',
  next_action_at: null,
  contacts: [],
  external_refs: [{ system: 'crm', id: 'a' }],
  linked_lead_ids: [],
  partner_summary: null,
  signed_at: null,
  contract_amount_wan: null,
  project_uscc: null,
  started_at: null,
  operating_at: null,
  funds_in_place: [],
  match_version: 1,
  version: 4,
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
  ref_system: 'crm',
  ref_id: 'a',
  ...over,
});

const row = (index: number, id: string, v: Partial<LeadValues> = {}): LeadUpsertRow & { newId: string } => ({
  index,
  ref: { system: 'crm', id },
  values: values(v),
  newId: `00000000-0000-7000-8000-00000000000${index}`,
});

describe('planLeadUpserts (DESIGN §6, §7, §11)', () => {
  it('creates a lead for a claimed ref, leaving nulls out of its row', () => {
    const r = row(0, 'new');
    const plan = planLeadUpserts('beibei', [r], new Set([r.newId]), []);
    expect(plan.results).toEqual([
      { index: 0, externalRef: r.ref, id: r.newId, status: 'created', collisions: [] },
    ]);
    expect(plan.creates).toHaveLength(1);
    expect(plan.creates[0]).toMatchObject({ id: r.newId, external_refs: [r.ref], title: '电池项目' });
    expect(plan.creates[0]).not.toHaveProperty('investor_uscc');
    expect(plan.collisionSubjects).toEqual([{ id: r.newId, investor_norm: '某某电池' }]);
    expect(plan.updates).toEqual([]);
  });

  it('refuses a new lead on hold or lost, or without its milestone facts, and releases its claim', () => {
    const onHold = row(0, 'x', { stage: 'on_hold' });
    const signed = row(1, 'y', { stage: 'signed' });
    const plan = planLeadUpserts('beibei', [onHold, signed], new Set([onHold.newId, signed.newId]), []);
    expect(plan.results.map((r) => [r.status, r.errors?.map((e) => e.field)])).toEqual([
      ['error', ['stage']],
      ['error', ['signedAt', 'contractAmountWan']],
    ]);
    expect(plan.rejectedClaims).toEqual([onHold.newId, signed.newId]);
    expect(plan.creates).toEqual([]);
  });

  it('writes nothing for an unchanged lead', () => {
    const plan = planLeadUpserts('beibei', [row(0, 'a')], new Set(), [stored()]);
    expect(plan.results).toEqual([
      { index: 0, externalRef: { system: 'crm', id: 'a' }, id: ID, status: 'unchanged' },
    ]);
    expect(plan.updates).toEqual([]);
    expect(plan.events).toEqual([]);
  });

  it('updates a changed lead: full row, audit of the changed fields, lead.updated at the next version', () => {
    const plan = planLeadUpserts('beibei', [row(0, 'a', { summary: '新摘要' })], new Set(), [stored()]);
    expect(plan.results[0]).toMatchObject({ status: 'updated', id: ID });
    expect(plan.updates[0]).toMatchObject({
      id: ID,
      summary: '新摘要',
      external_refs: [{ system: 'crm', id: 'a' }],
    });
    expect(plan.audits).toEqual([{ id: ID, changes: { summary: ['', '新摘要'] } }]);
    expect(plan.events).toEqual([
      { type: 'lead.updated', entity: 'lead', entityId: ID, entityVersion: 5, jurisdiction: 'beibei' },
    ]);
    expect(plan.collisionSubjects).toEqual([]);
    expect(plan.stageMoves).toEqual([]);
  });

  it('checks collisions again when the investor changes', () => {
    const plan = planLeadUpserts(
      'beibei',
      [row(0, 'a', { investor_name: '另一家公司', investor_norm: '另一家' })],
      new Set(),
      [stored()],
    );
    expect(plan.collisionSubjects).toEqual([{ id: ID, investor_norm: '另一家' }]);
    expect(plan.audits[0].changes).toEqual({ 'investor.name': ['某某电池有限公司', '另一家公司'] });
  });

  it('moves the stage along an allowed transition, with its event and timeline entry', () => {
    const plan = planLeadUpserts(
      'beibei',
      [row(0, 'a', { stage: 'contacted' })],
      new Set(),
      [stored()],
      'import',
    );
    expect(plan.events.map((e) => e.type)).toEqual(['lead.stage_changed', 'lead.updated']);
    expect(plan.events[0].detail).toEqual({ fromStage: 'lead', toStage: 'contacted' });
    expect(plan.stageMoves).toEqual([
      {
        lead: { id: ID, jurisdiction: 'beibei', investor_norm: '某某电池' },
        from: 'lead',
        to: 'contacted',
        version: 5,
        summary: 'lead → contacted (import)',
      },
    ]);
  });

  it('refuses a transition not allowed to an API key, naming the allowed stages', () => {
    const plan = planLeadUpserts('beibei', [row(0, 'a', { stage: 'lead' })], new Set(), [
      stored({ stage: 'lost' }),
    ]);
    expect(plan.results[0]).toMatchObject({ status: 'error', id: ID });
    expect(plan.results[0].errors).toEqual([
      { field: 'stage', message: 'cannot move from lost to lead; allowed: none' },
    ]);
    expect(plan.updates).toEqual([]);
  });

  it('never writes a lead of the other city, and does not name its id', () => {
    const plan = planLeadUpserts('mianyang', [row(0, 'a', { summary: 'x' })], new Set(), [stored()]);
    expect(plan.results[0]).toMatchObject({ status: 'error', errors: [{ field: 'externalRef' }] });
    expect(plan.results[0]).not.toHaveProperty('id');
  });

  it('sets the owner a row names (telling them), keeps it when the row names none, clears it on null', () => {
    const OWNER = '22222222-2222-4222-8222-222222222222';
    const NEW = '33333333-3333-4333-8333-333333333333';
    const created = row(0, 'new', { owner_id: OWNER });
    expect(planLeadUpserts('beibei', [created], new Set([created.newId]), []).creates[0]).toMatchObject({
      owner_id: OWNER,
    });
    const kept = planLeadUpserts('beibei', [row(0, 'a')], new Set(), [stored({ owner_id: OWNER })]);
    expect(kept.results[0].status).toBe('unchanged');
    const moved = planLeadUpserts('beibei', [row(0, 'a', { owner_id: NEW })], new Set(), [
      stored({ owner_id: OWNER }),
    ]);
    expect(moved.updates[0].owner_id).toBe(NEW);
    expect(moved.audits[0].changes).toEqual({ ownerId: [OWNER, NEW] });
    expect(moved.events[0].detail).toEqual({ assignedTo: NEW });
    const edited = planLeadUpserts('beibei', [row(0, 'a', { summary: 'x' })], new Set(), [
      stored({ owner_id: OWNER }),
    ]);
    expect(edited.updates[0].owner_id).toBe(OWNER);
    const cleared = planLeadUpserts('beibei', [row(0, 'a', { owner_id: null })], new Set(), [
      stored({ owner_id: OWNER }),
    ]);
    expect(cleared.updates[0].owner_id).toBeNull();
    expect(cleared.events[0]).not.toHaveProperty('detail');
  });

  it('reports a ref whose lead is gone', () => {
    const plan = planLeadUpserts('beibei', [row(0, 'gone')], new Set(), []);
    expect(plan.results[0]).toMatchObject({ status: 'error', errors: [{ field: 'externalRef' }] });
  });
});

describe('leadValueChanges', () => {
  it('audits every field of a new lead as {before: null}, leaving the derived ones out', () => {
    const changes = leadValueChanges(null, values());
    expect(changes.title).toEqual([null, '电池项目']);
    expect(changes).not.toHaveProperty('investorNorm');
    expect(changes).not.toHaveProperty('industries');
    expect(Object.keys(changes)).toContain('investor.name');
  });

  it('compares the stored row in the normal form of validated values', () => {
    expect(leadValueChanges(storedValues(stored()), values())).toEqual({});
  });
});
