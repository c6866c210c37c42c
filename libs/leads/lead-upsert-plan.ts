import type { FieldChanges } from '../audit/audit.service';
import type { FieldError } from '../common/errors';
import type { Jurisdiction } from '../common/request-context';
import { FundsEntry, factErrors, factsOfRow, normaliseFunds } from './lead-milestones';
import { checkTransition, isInitialStage, isLeadStage, resumeStageAfter } from './lead-stage';
import type { LeadStage } from './lead-stage';
import { AUDITED_COLUMNS } from './lead-columns';
import type { ExternalRef, LeadRow } from './lead-view';

/** The values of a validated lead, by column (what a bulk writer sets; industries follow segments). */
export interface LeadValues {
  title: string;
  investor_name: string;
  investor_norm: string;
  investor_uscc: string | null;
  investor_enterprise_id: string | null;
  investor_country: string | null;
  summary: string;
  segments: string[];
  industries: string[];
  planned_investment_wan: number;
  land_need_mu: number | null;
  expected_jobs: number | null;
  stage: string;
  sharing: string;
  confidential: boolean;
  code_name: string | null;
  source: string;
  next_action_at: string | null;
  contacts: { name: string; title?: string; phone?: string; email?: string }[];
  partner_summary: string | null;
  signed_at: string | null;
  contract_amount_wan: number | null;
  project_uscc: string | null;
  started_at: string | null;
  operating_at: string | null;
  funds_in_place: FundsEntry[];
  /**
   * The owner the row names: a user id, null for none (the 待分配 queue), or undefined when the
   * row does not say, which keeps the current owner (managers assign inside Liancheng; a partner
   * system that does not know them must not undo that).
   */
  owner_id?: string | null;
}

/** One row of a bulk upsert: its position in the request, its external ref, its values. */
export interface LeadUpsertRow {
  index: number;
  ref: ExternalRef;
  values: LeadValues;
}

/** The outcome of one row (the `items` of PUT /sync/leads). */
export interface LeadWriteResult {
  index: number;
  externalRef: ExternalRef | null;
  id?: string;
  status: 'created' | 'updated' | 'unchanged' | 'error';
  errors?: FieldError[];
  /** created / updated leads: the collisions this write opened (DESIGN §7, §11), empty when none. */
  collisions?: {
    id: string;
    otherJurisdiction: Jurisdiction;
    basis: 'uscc' | 'name';
    similarity: number;
    firstReportedBy: Jurisdiction;
  }[];
}

/** A locked lead a row's ref names, with that ref. */
export type ExistingLead = LeadRow & { ref_system: string; ref_id: string };

/** What one bulk write does, decided before anything is written. */
export interface LeadUpsertPlan {
  results: LeadWriteResult[];
  /** Rows of new leads (keys = columns; nulls left out: a missing key reads as NULL). */
  creates: Record<string, unknown>[];
  /** Full rows of changed leads (keys = columns). */
  updates: (Record<string, unknown> & { id: string })[];
  audits: { id: string; changes: FieldChanges }[];
  /** `lead.updated` and `lead.stage_changed` events of the updates. */
  events: {
    type: 'lead.updated' | 'lead.stage_changed';
    entity: 'lead';
    entityId: string;
    entityVersion: number;
    jurisdiction: string;
    detail?: Record<string, unknown>;
  }[];
  stageMoves: {
    lead: { id: string; jurisdiction: string; investor_norm: string };
    from: string;
    to: string;
    version: number;
    summary: string;
  }[];
  /** Ref claims of rows that turned out invalid: released. */
  rejectedClaims: string[];
  /** Leads to check for collisions: the created ones and those whose investor changed. */
  collisionSubjects: { id: string; investor_norm: string }[];
}

/** The stored row in the same normal form as validated values. */
export function storedValues(row: LeadRow): LeadValues {
  const n = (v: string | number | null) => (v === null || v === undefined ? null : Number(v));
  return {
    title: row.title,
    investor_name: row.investor_name,
    investor_norm: row.investor_norm,
    investor_uscc: row.investor_uscc,
    investor_enterprise_id: row.investor_enterprise_id,
    investor_country: row.investor_country,
    summary: row.summary,
    segments: row.segments,
    industries: row.industries,
    planned_investment_wan: n(row.planned_investment_wan) ?? 0,
    land_need_mu: n(row.land_need_mu),
    expected_jobs: row.expected_jobs,
    stage: row.stage,
    sharing: row.sharing,
    confidential: row.confidential,
    code_name: row.code_name,
    source: row.source,
    next_action_at: row.next_action_at === null ? null : new Date(row.next_action_at).toISOString(),
    contacts: row.contacts ?? [],
    partner_summary: row.partner_summary ?? null,
    signed_at: row.signed_at ?? null,
    contract_amount_wan: n(row.contract_amount_wan),
    project_uscc: row.project_uscc ?? null,
    started_at: row.started_at ?? null,
    operating_at: row.operating_at ?? null,
    funds_in_place: normaliseFunds(row.funds_in_place ?? []),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The audited fields that differ, by audit field name ({before: null} for a new lead). */
export function leadValueChanges(before: LeadValues | null, after: LeadValues): FieldChanges {
  const out: FieldChanges = {};
  for (const [col, field] of AUDITED_COLUMNS) {
    const key = col as keyof LeadValues;
    if (!before || !same(before[key], after[key])) out[field] = [before ? before[key] : null, after[key]];
  }
  return out;
}

const refKey = (r: ExternalRef) => `${r.system}\u0000${r.id}`;

/**
 * Plans a bulk upsert (DESIGN §6, §7, §11) from the rows, the ids the ref claims gave new leads,
 * and the locked existing leads their refs name. Pure: the writer runs the plan.
 * - a claimed ref creates its lead, if it starts in an initial stage with its milestone facts;
 * - a known ref updates its lead when it belongs to `jurisdiction`, the values differ, a stage
 *   change is an allowed transition (as an API key: no manager moves) and the facts are there;
 * - equal values are `unchanged` and write nothing; anything else is an `error` naming the field.
 * `via` ends the timeline text of a stage move (`from → to (via)`).
 */
export function planLeadUpserts(
  jurisdiction: string,
  rows: (LeadUpsertRow & { newId: string })[],
  claimedIds: ReadonlySet<string>,
  existing: readonly ExistingLead[],
  via = 'partner sync',
): LeadUpsertPlan {
  const plan: LeadUpsertPlan = {
    results: [],
    creates: [],
    updates: [],
    audits: [],
    events: [],
    stageMoves: [],
    rejectedClaims: [],
    collisionSubjects: [],
  };
  const fail = (p: LeadUpsertRow, errors: FieldError[], id?: string) =>
    plan.results.push({ index: p.index, externalRef: p.ref, ...(id ? { id } : {}), status: 'error', errors });

  for (const p of rows.filter((r) => claimedIds.has(r.newId))) {
    if (!isInitialStage(p.values.stage)) {
      fail(p, [{ field: 'stage', message: `a new lead cannot start ${p.values.stage}` }]);
      plan.rejectedClaims.push(p.newId);
      continue;
    }
    const missing = factErrors(
      p.values.stage as LeadStage,
      null,
      factsOfRow(p.values),
      p.values.funds_in_place,
    );
    if (missing.length) {
      fail(p, missing);
      plan.rejectedClaims.push(p.newId);
      continue;
    }
    const row: Record<string, unknown> = { id: p.newId, external_refs: [p.ref] };
    for (const [col, v] of Object.entries(p.values)) if (v !== null) row[col] = v;
    plan.creates.push(row);
    plan.collisionSubjects.push({ id: p.newId, investor_norm: p.values.investor_norm });
    plan.results.push({ index: p.index, externalRef: p.ref, id: p.newId, status: 'created', collisions: [] });
  }

  const byRef = new Map(existing.map((r) => [refKey({ system: r.ref_system, id: r.ref_id }), r]));
  for (const p of rows.filter((r) => !claimedIds.has(r.newId))) {
    const row = byRef.get(refKey(p.ref));
    if (!row) {
      fail(p, [{ field: 'externalRef', message: 'is held by a record that no longer exists' }]);
      continue;
    }
    if (row.jurisdiction !== jurisdiction) {
      // DESIGN §5: a key writes only its own jurisdiction's records. No id: it may be private.
      fail(p, [
        {
          field: 'externalRef',
          message: 'belongs to a record of another jurisdiction, which this key cannot change',
        },
      ]);
      continue;
    }
    const before = storedValues(row);
    const changes = leadValueChanges(before, p.values);
    const owner = p.values.owner_id === undefined ? row.owner_id : p.values.owner_id;
    if (owner !== row.owner_id) changes.ownerId = [row.owner_id, owner];
    if (!Object.keys(changes).length) {
      plan.results.push({ index: p.index, externalRef: p.ref, id: row.id, status: 'unchanged' });
      continue;
    }
    let resumeStage = row.resume_stage;
    const moved = before.stage !== p.values.stage;
    if (moved) {
      const from = isLeadStage(before.stage) ? before.stage : 'lead';
      const check = isLeadStage(p.values.stage)
        ? checkTransition(from, p.values.stage, { resumeStage: row.resume_stage, isManager: false })
        : { ok: false as const, allowed: [] };
      if (!check.ok) {
        const allowed = check.allowed.join(', ') || 'none';
        fail(
          p,
          [
            {
              field: 'stage',
              message: `cannot move from ${before.stage} to ${p.values.stage}; allowed: ${allowed}`,
            },
          ],
          row.id,
        );
        continue;
      }
      resumeStage = resumeStageAfter(from, p.values.stage as LeadStage);
    }
    // DESIGN §6: the record must carry the facts of every milestone its stage has reached.
    const missing = factErrors(
      p.values.stage as LeadStage,
      resumeStage as LeadStage | null,
      factsOfRow(p.values),
      p.values.funds_in_place,
    );
    if (missing.length) {
      fail(p, missing, row.id);
      continue;
    }
    const version = row.version + 1;
    if (moved) {
      plan.events.push({
        type: 'lead.stage_changed',
        entity: 'lead',
        entityId: row.id,
        entityVersion: version,
        jurisdiction: row.jurisdiction,
        detail: { fromStage: before.stage, toStage: p.values.stage },
      });
      plan.stageMoves.push({
        lead: { id: row.id, jurisdiction: row.jurisdiction, investor_norm: p.values.investor_norm },
        from: before.stage,
        to: p.values.stage,
        version,
        summary: `${before.stage} → ${p.values.stage} (${via})`,
      });
    }
    plan.updates.push({
      id: row.id,
      ...p.values,
      owner_id: owner,
      resume_stage: resumeStage,
      external_refs: row.external_refs,
    });
    plan.audits.push({ id: row.id, changes });
    plan.events.push({
      type: 'lead.updated',
      entity: 'lead',
      entityId: row.id,
      entityVersion: version,
      jurisdiction: row.jurisdiction,
      // DESIGN §18: a new owner is told, whoever wrote the change.
      ...(owner && owner !== row.owner_id ? { detail: { assignedTo: owner } } : {}),
    });
    // DESIGN §7: a changed investor may now collide (as PATCH /leads does).
    if ('investor.name' in changes || 'investor.uscc' in changes)
      plan.collisionSubjects.push({ id: row.id, investor_norm: p.values.investor_norm });
    plan.results.push({ index: p.index, externalRef: p.ref, id: row.id, status: 'updated', collisions: [] });
  }
  return plan;
}
