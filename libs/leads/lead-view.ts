import type { Jurisdiction } from '../common/request-context';
import type { FundsEntry } from './lead-milestones';
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
  /** The promotion event the lead was raised at (DESIGN §16). */
  event_id?: string | null;
  match_version: number;
  /** Set when a manager archived the lead (soft delete, DESIGN §4; lead-policy decides who sees it). */
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
  /** The promotion event the lead was raised at (DESIGN §16). */
  eventId: string | null;
  /** When a manager archived the lead (only its own city still reads it, by id). */
  archivedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ActivityRow {
  id: string;
  lead_id: string;
  type: string;
  occurred_at: Date;
  summary: string;
  author_id: string | null;
  author_key_id: string | null;
  jurisdiction: string;
  from_stage: string | null;
  to_stage: string | null;
  created_at: Date;
  /** The author's display name (user) or key name (API key), joined when the timeline is read. */
  author_name?: string | null;
  _key?: string;
}

/** A timestamptz as `Date.prototype.toISOString()` writes it (UTC, milliseconds, `Z`). */
export const isoSql = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** fundsTotal() in SQL: the sum of a lead's funds in place (万元, numeric), 0 without entries. */
export function fundsTotalSql(t = 'leads'): string {
  return `CASE WHEN ${t}.funds_in_place = '[]'::jsonb THEN 0 ELSE (
      SELECT COALESCE(sum((e->>'amountWan')::numeric), 0) FROM jsonb_array_elements(${t}.funds_in_place) e) END`;
}
