/**
 * The columns of `leads` a write sets: API name → column, SQL type, and the field name bulk audit
 * entries use. The one list every lead writer derives its SQL from (lead-writer.ts).
 */
export const LEAD_COLUMN_MAP = {
  id: { column: 'id', type: 'uuid', audit: null },
  title: { column: 'title', type: 'text', audit: 'title' },
  investorName: { column: 'investor_name', type: 'text', audit: 'investor.name' },
  investorNorm: { column: 'investor_norm', type: 'text', audit: null },
  investorUscc: { column: 'investor_uscc', type: 'text', audit: 'investor.uscc' },
  investorEnterpriseId: { column: 'investor_enterprise_id', type: 'uuid', audit: 'investor.enterpriseId' },
  investorCountry: { column: 'investor_country', type: 'text', audit: 'investor.country' },
  summary: { column: 'summary', type: 'text', audit: 'summary' },
  segments: { column: 'segments', type: 'text[]', audit: 'segments' },
  industries: { column: 'industries', type: 'text[]', audit: null },
  plannedInvestmentWan: { column: 'planned_investment_wan', type: 'numeric', audit: 'plannedInvestmentWan' },
  landNeedMu: { column: 'land_need_mu', type: 'numeric', audit: 'landNeedMu' },
  expectedJobs: { column: 'expected_jobs', type: 'int', audit: 'expectedJobs' },
  stage: { column: 'stage', type: 'text', audit: 'stage' },
  resumeStage: { column: 'resume_stage', type: 'text', audit: null },
  jurisdiction: { column: 'jurisdiction', type: 'text', audit: null },
  ownerId: { column: 'owner_id', type: 'uuid', audit: null },
  sharing: { column: 'sharing', type: 'text', audit: 'sharing' },
  confidential: { column: 'confidential', type: 'boolean', audit: 'confidential' },
  codeName: { column: 'code_name', type: 'text', audit: 'codeName' },
  source: { column: 'source', type: 'text', audit: 'source' },
  nextActionAt: { column: 'next_action_at', type: 'timestamptz', audit: 'nextActionAt' },
  contacts: { column: 'contacts', type: 'jsonb', audit: 'contacts' },
  externalRefs: { column: 'external_refs', type: 'jsonb', audit: null },
  partnerSummary: { column: 'partner_summary', type: 'text', audit: 'partnerSummary' },
  signedAt: { column: 'signed_at', type: 'date', audit: 'signedAt' },
  contractAmountWan: { column: 'contract_amount_wan', type: 'numeric', audit: 'contractAmountWan' },
  projectUscc: { column: 'project_uscc', type: 'text', audit: 'projectUscc' },
  startedAt: { column: 'started_at', type: 'date', audit: 'startedAt' },
  operatingAt: { column: 'operating_at', type: 'date', audit: 'operatingAt' },
  fundsInPlace: { column: 'funds_in_place', type: 'jsonb', audit: 'fundsInPlace' },
  // Set by the lead form and PATCH only (DESIGN §16); partner sync items do not carry it.
  eventId: { column: 'event_id', type: 'uuid', audit: null },
  archivedAt: { column: 'archived_at', type: 'timestamptz', audit: null },
  createdAt: { column: 'created_at', type: 'timestamptz', audit: null },
  updatedAt: { column: 'updated_at', type: 'timestamptz', audit: null },
} as const;

export type LeadField = keyof typeof LEAD_COLUMN_MAP;
export type LeadColumn = (typeof LEAD_COLUMN_MAP)[LeadField]['column'];

/** The fields PATCH /leads/:id may change (the lead service validates each). */
export const LEAD_PATCH_FIELDS = [
  'title',
  'investorName',
  'investorNorm',
  'investorUscc',
  'investorEnterpriseId',
  'investorCountry',
  'summary',
  'segments',
  'industries',
  'plannedInvestmentWan',
  'landNeedMu',
  'expectedJobs',
  'ownerId',
  'sharing',
  'confidential',
  'codeName',
  'source',
  'nextActionAt',
  'contacts',
  'externalRefs',
  'partnerSummary',
  'signedAt',
  'contractAmountWan',
  'projectUscc',
  'startedAt',
  'operatingAt',
  'fundsInPlace',
  'eventId',
] as const satisfies readonly LeadField[];
export type LeadColumnKey = (typeof LEAD_PATCH_FIELDS)[number];

const BY_COLUMN = new Map(
  Object.values(LEAD_COLUMN_MAP).map((c) => [
    c.column as string,
    c as { column: string; type: string; audit: string | null },
  ]),
);

/** The columns a bulk write sets from one JSON row per lead (snake_case keys = column names). */
export const BULK_COLUMNS: readonly LeadColumn[] = [
  'id',
  'title',
  'investor_name',
  'investor_norm',
  'investor_uscc',
  'investor_enterprise_id',
  'investor_country',
  'summary',
  'segments',
  'industries',
  'planned_investment_wan',
  'land_need_mu',
  'expected_jobs',
  'stage',
  'resume_stage',
  'owner_id',
  'sharing',
  'confidential',
  'code_name',
  'source',
  'next_action_at',
  'contacts',
  'external_refs',
  'partner_summary',
  'signed_at',
  'contract_amount_wan',
  'project_uscc',
  'started_at',
  'operating_at',
  'funds_in_place',
];

/** The record definition of `jsonb_to_record(set)` over the given columns: `v(id uuid, …)`. */
export function leadRecordSql(alias: string, columns: readonly LeadColumn[]): string {
  return `${alias}(${columns.map((c) => `${c} ${BY_COLUMN.get(c)!.type}`).join(', ')})`;
}

/** Whether a column holds JSON (bound as text, cast to jsonb). */
export const isJsonColumn = (column: string): boolean => BY_COLUMN.get(column)?.type === 'jsonb';

/** The audit field names of the columns a bulk write compares, column → field (derived ones left out). */
export const AUDITED_COLUMNS: readonly [LeadColumn, string][] = Object.values(LEAD_COLUMN_MAP)
  .filter((c) => c.audit !== null)
  .map((c) => [c.column, c.audit as string]);
