import type { Jurisdiction } from '../common/request-context';
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

/**
 * The lead as `viewer` may see it, or null when it is invisible (DESIGN §5):
 * - private: only the owning jurisdiction;
 * - shared: the partner reads it, but never `contacts` (personal data);
 * - confidential + shared: the partner sees `codeName` in place of the investor's name and the
 *   title (titles usually name the investor), and no USCC or enterprise link.
 * The changes feed and webhooks use this same function, so every channel hides the same fields.
 */
export function leadView(row: LeadRow, viewer: Jurisdiction): LeadView | null {
  if (!canSeeLead(row, viewer)) return null;
  const own = row.jurisdiction === viewer;
  const masked = !own && row.confidential;
  const codeName = row.code_name ?? '';
  return {
    id: row.id,
    title: masked ? codeName : row.title,
    investor: {
      name: masked ? codeName : row.investor_name,
      uscc: masked ? null : row.investor_uscc,
      enterpriseId: masked ? null : row.investor_enterprise_id,
      country: row.investor_country,
    },
    summary: row.summary,
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
    version: row.version,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** A timestamptz as `Date.prototype.toISOString()` writes it (UTC, milliseconds, `Z`). */
export const isoSql = (col: string) =>
  `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * leadView() rendered by Postgres: the JSON text of the lead as `viewer` (a SQL parameter such as
 * `$2`) may see it, for the read hot paths (GET /leads, GET /leads/:id), where building and
 * re-serialising objects in Node cost more than the query. Same masking as leadView() — the
 * visibility test itself stays in the WHERE clause of the caller. test/lead-view-sql.e2e-spec.ts
 * checks that both agree on every kind of row and viewer.
 */
export function leadViewJsonSql(viewer: string, t = 'leads'): string {
  const own = `(${t}.jurisdiction = ${viewer}::text)`;
  const masked = `(NOT ${own} AND ${t}.confidential)`;
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
    'summary', ${t}.summary,
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
    'version', ${t}.version,
    'createdAt', ${isoSql(`${t}.created_at`)},
    'updatedAt', ${isoSql(`${t}.updated_at`)})::text`;
}
