import type { Jurisdiction } from '../common/request-context';
import { FundsEntry, fundsTotal } from './lead-milestones';
import type { LeadStage } from './lead-stage';

/** A row of `leads` as Postgres returns it (snake_case; numerics may arrive as strings). */
export interface LeadRow {
  id: string;
  title: string;
  investor_name: string;
  investor_norm: string;
  investor_uscc: string | null;
  investor_enterprise_id: string | null;
  investor_country: string | null;
  summary: string;
  segments: string[];
  industries: string[];
  planned_investment_wan: string | number;
  land_need_mu: string | number | null;
  expected_jobs: number | null;
  stage: string;
  resume_stage: string | null;
  jurisdiction: string;
  owner_id: string | null;
  sharing: string;
  confidential: boolean;
  code_name: string | null;
  source: string;
  next_action_at: Date | string | null;
  contacts: LeadContact[];
  external_refs: ExternalRef[];
  linked_lead_ids: string[];
  partner_summary: string | null;
  /** Calendar dates 'YYYY-MM-DD' (libs/db/database.ts keeps `date` columns as text). */
  signed_at: string | null;
  contract_amount_wan: string | number | null;
  project_uscc: string | null;
  started_at: string | null;
  operating_at: string | null;
  funds_in_place: FundsEntry[];
  match_version: number;
  /** Set when a manager archived the lead (soft delete, DESIGN §4). */
  archived_at?: Date | string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface LeadContact {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
}
export interface ExternalRef {
  system: string;
  id: string;
}

export type LeadSharing = 'private' | 'shared';
export type LeadSource = 'referral' | 'event' | 'inbound' | 'partner_system' | 'research' | 'other';

/** The lead as the API shows it (DESIGN §4). */
export interface LeadView {
  id: string;
  title: string;
  investor: { name: string; uscc: string | null; enterpriseId: string | null; country: string | null };
  summary: string;
  segments: string[];
  industries: string[];
  plannedInvestmentWan: number;
  landNeedMu: number | null;
  expectedJobs: number | null;
  stage: LeadStage;
  /** on_hold only: the stage a resume returns to. */
  resumeStage: LeadStage | null;
  jurisdiction: Jurisdiction;
  ownerId: string | null;
  sharing: LeadSharing;
  confidential: boolean;
  codeName: string | null;
  source: LeadSource;
  nextActionAt: string | null;
  contacts: LeadContact[];
  externalRefs: ExternalRef[];
  linkedLeadIds: string[];
  /** Written by the owner for the partner city; a confidential lead shows it as `summary` there. */
  partnerSummary: string | null;
  /** Milestone facts (DESIGN §6). */
  signedAt: string | null;
  contractAmountWan: number | null;
  projectUscc: string | null;
  startedAt: string | null;
  operatingAt: string | null;
  fundsInPlace: FundsEntry[];
  /** The sum of `fundsInPlace` (万元). */
  fundsInPlaceWan: number;
  /** When a manager archived the lead (only its own city still reads it, by id). */
  archivedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const iso = (v: Date | string | null): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString();
const num = (v: string | number | null): number | null => (v === null || v === undefined ? null : Number(v));

/** Whether `viewer` may see the lead at all (DESIGN §5): private leads stay in their jurisdiction. */
export function canSeeLead(row: Pick<LeadRow, 'jurisdiction' | 'sharing'>, viewer: Jurisdiction): boolean {
  return row.jurisdiction === viewer || row.sharing === 'shared';
}

/** Whether `viewer` sees the lead masked: a confidential lead of the other city (DESIGN §5). */
export function isMasked(row: Pick<LeadRow, 'jurisdiction' | 'confidential'>, viewer: Jurisdiction): boolean {
  return row.jurisdiction !== viewer && row.confidential;
}

/** The lead's title as `viewer` may see it: the code name on a masked lead (titles name investors). */
export function visibleTitle(
  row: Pick<LeadRow, 'jurisdiction' | 'confidential' | 'code_name' | 'title'>,
  viewer: Jurisdiction,
): string {
  return isMasked(row, viewer) ? (row.code_name ?? '') : row.title;
}

/**
 * Whether an activity's text and author are withheld from `viewer` (DESIGN §5): on a masked lead,
 * the owner city's activities show only their type, date and city; the partner's own stay whole.
 */
export function isActivityRedacted(
  lead: Pick<LeadRow, 'jurisdiction' | 'confidential'>,
  activityJurisdiction: string,
  viewer: Jurisdiction,
): boolean {
  return isMasked(lead, viewer) && activityJurisdiction === lead.jurisdiction;
}

/**
 * The lead as `viewer` may see it, or null when it is invisible (DESIGN §5):
 * - private: only the owning jurisdiction;
 * - shared: the partner reads it, but never `contacts` (personal data);
 * - confidential + shared: the partner sees `codeName` in place of the investor's name and the
 *   title (titles usually name the investor), no USCC, enterprise link or project company USCC,
 *   `partnerSummary` in place of `summary`, and the funds in place without their notes.
 * The changes feed, webhooks, collisions and matches use this same function (or its SQL form
 * below, or visibleTitle), so every channel hides the same fields.
 */
export function leadView(row: LeadRow, viewer: Jurisdiction): LeadView | null {
  if (!canSeeLead(row, viewer)) return null;
  const own = row.jurisdiction === viewer;
  const masked = isMasked(row, viewer);
  const codeName = row.code_name ?? '';
  const funds = row.funds_in_place ?? [];
  return {
    id: row.id,
    title: visibleTitle(row, viewer),
    investor: {
      name: masked ? codeName : row.investor_name,
      uscc: masked ? null : row.investor_uscc,
      enterpriseId: masked ? null : row.investor_enterprise_id,
      country: row.investor_country,
    },
    summary: masked ? (row.partner_summary ?? '') : row.summary,
    segments: row.segments,
    industries: row.industries,
    plannedInvestmentWan: num(row.planned_investment_wan) ?? 0,
    landNeedMu: num(row.land_need_mu),
    expectedJobs: row.expected_jobs,
    stage: row.stage as LeadStage,
    resumeStage: (row.resume_stage as LeadStage | null) ?? null,
    jurisdiction: row.jurisdiction as Jurisdiction,
    ownerId: row.owner_id,
    sharing: row.sharing as LeadSharing,
    confidential: row.confidential,
    codeName: row.code_name,
    source: row.source as LeadSource,
    nextActionAt: iso(row.next_action_at),
    contacts: own ? (row.contacts ?? []) : [],
    externalRefs: row.external_refs ?? [],
    linkedLeadIds: row.linked_lead_ids ?? [],
    partnerSummary: row.partner_summary ?? null,
    signedAt: row.signed_at ?? null,
    contractAmountWan: num(row.contract_amount_wan),
    projectUscc: masked ? null : (row.project_uscc ?? null),
    startedAt: row.started_at ?? null,
    operatingAt: row.operating_at ?? null,
    fundsInPlace: masked ? funds.map(({ at, amountWan }) => ({ at, amountWan })) : funds,
    fundsInPlaceWan: fundsTotal(funds),
    archivedAt: iso(row.archived_at ?? null),
    version: row.version,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** A timestamptz as `Date.prototype.toISOString()` writes it (UTC, milliseconds, `Z`). */
export const isoSql = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * leadView() rendered by Postgres: the JSON text of the lead as `viewer` (a SQL parameter such as
 * `$2`) may see it, for the read hot paths (GET /leads, GET /leads/:id), where building and
 * re-serialising objects in Node cost more than the query. Same masking as leadView() — the
 * visibility test itself stays in the WHERE clause of the caller. test/lead-view-sql.e2e-spec.ts
 * checks that both agree on every kind of row and viewer.
 */
export function leadViewJsonSql(viewer: string, t = 'leads'): string {
  const own = `(${t}.jurisdiction = ${viewer}::text)`;
  const masked = maskedSql(viewer, t);
  const unlessMasked = (expr: string, masking = 'NULL') =>
    `CASE WHEN ${masked} THEN ${masking} ELSE ${expr} END`;
  const codeName = `COALESCE(${t}.code_name, '')`;
  return `json_build_object(
    'id', ${t}.id,
    'title', ${unlessMasked(`${t}.title`, codeName)},
    'investor', json_build_object(
      'name', ${unlessMasked(`${t}.investor_name`, codeName)},
      'uscc', ${unlessMasked(`${t}.investor_uscc`)},
      'enterpriseId', ${unlessMasked(`${t}.investor_enterprise_id`)},
      'country', ${t}.investor_country),
    'summary', ${unlessMasked(`${t}.summary`, `COALESCE(${t}.partner_summary, '')`)},
    'segments', ${t}.segments,
    'industries', ${t}.industries,
    'plannedInvestmentWan', COALESCE(${t}.planned_investment_wan, 0),
    'landNeedMu', ${t}.land_need_mu,
    'expectedJobs', ${t}.expected_jobs,
    'stage', ${t}.stage,
    'resumeStage', ${t}.resume_stage,
    'jurisdiction', ${t}.jurisdiction,
    'ownerId', ${t}.owner_id,
    'sharing', ${t}.sharing,
    'confidential', ${t}.confidential,
    'codeName', ${t}.code_name,
    'source', ${t}.source,
    'nextActionAt', ${isoSql(`${t}.next_action_at`)},
    'contacts', CASE WHEN ${own} THEN COALESCE(${t}.contacts, '[]'::jsonb) ELSE '[]'::jsonb END,
    'externalRefs', COALESCE(${t}.external_refs, '[]'::jsonb),
    'linkedLeadIds', COALESCE(${t}.linked_lead_ids, '{}'::uuid[]),
    'partnerSummary', ${t}.partner_summary,
    'signedAt', ${t}.signed_at,
    'contractAmountWan', ${t}.contract_amount_wan,
    'projectUscc', ${unlessMasked(`${t}.project_uscc`)},
    'startedAt', ${t}.started_at,
    'operatingAt', ${t}.operating_at,
    'fundsInPlace', ${unlessMasked(
      `${t}.funds_in_place`,
      `(SELECT COALESCE(jsonb_agg(e.value - 'note' ORDER BY e.n), '[]') FROM jsonb_array_elements(${t}.funds_in_place) WITH ORDINALITY AS e(value, n))`,
    )},
    'fundsInPlaceWan', ${fundsTotalSql(t)},
    'archivedAt', ${isoSql(`${t}.archived_at`)},
    'version', ${t}.version,
    'createdAt', ${isoSql(`${t}.created_at`)},
    'updatedAt', ${isoSql(`${t}.updated_at`)})::text`;
}

/** isMasked() in SQL: the row `t` is a confidential lead of another jurisdiction than `viewer`. */
export function maskedSql(viewer: string, t = 'leads'): string {
  return `(${t}.jurisdiction <> ${viewer}::text AND ${t}.confidential)`;
}

/** fundsTotal() in SQL: the sum of a lead's funds in place (万元, numeric), 0 without entries. */
export function fundsTotalSql(t = 'leads'): string {
  return `CASE WHEN ${t}.funds_in_place = '[]'::jsonb THEN 0 ELSE (
      SELECT COALESCE(sum((e->>'amountWan')::numeric), 0) FROM jsonb_array_elements(${t}.funds_in_place) e) END`;
}
