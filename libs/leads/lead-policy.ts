import type { Jurisdiction, Role } from '../common/request-context';
import { fundsTotal } from './lead-milestones';
import type { LeadStage } from './lead-stage';
import type { ActivityViewDto } from './lead.dto';
import { ActivityRow, LeadRow, LeadSharing, LeadSource, LeadView, fundsTotalSql, isoSql } from './lead-view';

/**
 * Who may see or change a lead, and what a viewer of the other city sees of it (DESIGN §5).
 * Every channel asks this file: lead reads and lists, search, activities, matches, the changes
 * feed, webhooks, reports and collisions. Where speed needs the rule in SQL, the SQL form sits
 * next to the TypeScript one; lead-policy.spec.ts and test/lead-view-sql.e2e-spec.ts check that
 * both agree.
 *
 * - private: only the owning jurisdiction sees the lead;
 * - shared: the partner reads it, but never `contacts` (personal data), and never changes it;
 * - confidential + shared: the partner sees `codeName` in place of the investor's name and the
 *   title (titles usually name the investor), no USCC, enterprise link or project company USCC,
 *   `partnerSummary` in place of `summary`, the funds in place without their notes, and of the
 *   owner city's activities only type, date and city; search never finds it by those fields;
 * - archived (soft delete by a manager, DESIGN §4): the lead leaves lists, search, matches, the
 *   board and reports; only its own city still reads it by id, and it cannot be changed until a
 *   manager restores it; the changes feed shows it as a tombstone to both cities.
 */

/**
 * What a masked lead shows where its code name would be when it has none (a lead made
 * confidential before code names were required). The same everywhere, TypeScript and SQL.
 */
export const CODE_NAME_PLACEHOLDER = '';

type Visibility = Pick<LeadRow, 'jurisdiction' | 'sharing' | 'archived_at'>;
type Masking = Pick<LeadRow, 'jurisdiction' | 'confidential'>;

/** Whether the lead is archived (soft deleted). */
export function isArchived(row: Pick<LeadRow, 'archived_at'>): boolean {
  return !!row.archived_at;
}

/** Whether the lead is `viewer`'s or shared with it, archived or not: who hears of it in the feed. */
function isSharedWith(row: Visibility, viewer: Jurisdiction): boolean {
  return row.jurisdiction === viewer || row.sharing === 'shared';
}

/**
 * Whether `viewer` may see the lead (by id, its timeline, its matches): private leads stay in
 * their jurisdiction, and an archived lead too (the partner has been sent its tombstone).
 */
export function canSee(row: Visibility, viewer: Jurisdiction): boolean {
  return row.jurisdiction === viewer || (row.sharing === 'shared' && !isArchived(row));
}

/** Whether the lead shows in `viewer`'s lists, search, matches, board and reports: visible, not archived. */
export function isListed(row: Visibility, viewer: Jurisdiction): boolean {
  return canSee(row, viewer) && !isArchived(row);
}

/**
 * What the changes feed tells `viewer` of a lead: its view, a tombstone (an archived lead: the
 * partner system removes it), or nothing (a private lead of the other city).
 */
export function feedEntry(row: Visibility, viewer: Jurisdiction): 'view' | 'tombstone' | null {
  if (!isSharedWith(row, viewer)) return null;
  return isArchived(row) ? 'tombstone' : 'view';
}

/** Who asks to change a lead: their city, role (null for API keys) and user id. */
export interface LeadChanger {
  jurisdiction: Jurisdiction;
  role: Role | null;
  userId: string | null;
}

/**
 * Why a change is refused: the reason codes of the 403 answers, and the 409 of an archived lead
 * (DESIGN §5, §11).
 */
export type ChangeDenial = 'LEAD_READ_ONLY' | 'LEAD_ARCHIVED' | 'NOT_LEAD_OWNER';

/**
 * Whether `who` may change a lead it can see: only its own jurisdiction changes a lead (the
 * partner adds activities instead), not while it is archived, and an officer only the leads they
 * own. Null means allowed.
 */
export function canChange(
  row: Pick<LeadRow, 'jurisdiction' | 'owner_id' | 'archived_at'>,
  who: LeadChanger,
): ChangeDenial | null {
  if (row.jurisdiction !== who.jurisdiction) return 'LEAD_READ_ONLY';
  if (isArchived(row)) return 'LEAD_ARCHIVED';
  if (who.role === 'officer' && row.owner_id !== who.userId) return 'NOT_LEAD_OWNER';
  return null;
}

/**
 * Whether `who` may manage a lead: assign its owner, archive or restore it. Managers and admins
 * of its own jurisdiction; never API keys, officers or the partner city.
 */
export function canManage(row: Pick<LeadRow, 'jurisdiction'>, who: LeadChanger): boolean {
  return row.jurisdiction === who.jurisdiction && (who.role === 'manager' || who.role === 'admin');
}

/** Whether `viewer` sees the lead masked: a confidential lead of the other city. */
export function isMasked(row: Masking, viewer: Jurisdiction): boolean {
  return row.jurisdiction !== viewer && row.confidential;
}

/** The code name a masked lead shows in place of its investor and title. */
export function maskedName(row: Pick<LeadRow, 'code_name'>): string {
  return row.code_name || CODE_NAME_PLACEHOLDER;
}

/** The lead's title as `viewer` may see it: the code name on a masked lead (titles name investors). */
export function visibleTitle(
  row: Pick<LeadRow, 'jurisdiction' | 'confidential' | 'code_name' | 'title'>,
  viewer: Jurisdiction,
): string {
  return isMasked(row, viewer) ? maskedName(row) : row.title;
}

/**
 * Whether an activity's text and author are withheld from `viewer`: on a masked lead, the owner
 * city's activities show only their type, date and city; the partner's own stay whole.
 */
export function isActivityRedacted(
  lead: Masking,
  activityJurisdiction: string,
  viewer: Jurisdiction,
): boolean {
  return isMasked(lead, viewer) && activityJurisdiction === lead.jurisdiction;
}

/** An activity as `viewer` sees it on `lead` (redacted ones keep only type, date and city). */
export function activityView(a: ActivityRow, lead: Masking, viewer: Jurisdiction): ActivityViewDto {
  const redacted = isActivityRedacted(lead, a.jurisdiction, viewer);
  return {
    id: a.id,
    leadId: a.lead_id,
    type: a.type,
    occurredAt: new Date(a.occurred_at).toISOString(),
    summary: redacted ? '' : a.summary,
    redacted,
    authorId: redacted ? null : a.author_id,
    authorKeyId: redacted ? null : a.author_key_id,
    authorName: redacted ? null : (a.author_name ?? null),
    jurisdiction: a.jurisdiction as Jurisdiction,
    fromStage: a.from_stage as LeadStage | null,
    toStage: a.to_stage as LeadStage | null,
    createdAt: new Date(a.created_at).toISOString(),
  };
}

const iso = (v: Date | string | null): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString();
const num = (v: string | number | null): number | null => (v === null || v === undefined ? null : Number(v));

/** The lead as `viewer` may see it, or null when it is invisible. */
export function leadView(row: LeadRow, viewer: Jurisdiction): LeadView | null {
  return canSee(row, viewer) ? render(row, viewer) : null;
}

/**
 * The lead in a change notice to `viewer` (webhooks): its view, also of an archived lead the
 * viewer saw until then (with `archivedAt`, so the partner system removes it, as the feed's
 * tombstone says); null for a lead never shared with it.
 */
export function noticeView(row: LeadRow, viewer: Jurisdiction): LeadView | null {
  return feedEntry(row, viewer) ? render(row, viewer) : null;
}

function render(row: LeadRow, viewer: Jurisdiction): LeadView {
  const own = row.jurisdiction === viewer;
  const masked = isMasked(row, viewer);
  const codeName = maskedName(row);
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
    eventId: row.event_id ?? null,
    archivedAt: iso(row.archived_at ?? null),
    version: row.version,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** The owner city's full view of a lead: what audit entries compare. */
export function ownerView(row: LeadRow): LeadView {
  return leadView(row, row.jurisdiction as Jurisdiction)!;
}

// ---- The same rules in SQL. `viewer` is a SQL expression (a parameter such as `$2`), `t` the
// alias of the leads row.

/** canSee() in SQL. */
export function visibleSql(viewer: string, t = 'leads'): string {
  return `(${t}.jurisdiction = ${viewer}::text OR (${t}.sharing = 'shared' AND ${t}.archived_at IS NULL))`;
}

/** isListed() in SQL. */
export function listedSql(viewer: string, t = 'leads'): string {
  return `((${t}.jurisdiction = ${viewer}::text OR ${t}.sharing = 'shared') AND ${t}.archived_at IS NULL)`;
}

/** feedEntry() in SQL: 'view', 'tombstone' or NULL. */
export function feedEntrySql(viewer: string, t = 'leads'): string {
  return `CASE WHEN NOT (${t}.jurisdiction = ${viewer}::text OR ${t}.sharing = 'shared') THEN NULL
               WHEN ${t}.archived_at IS NOT NULL THEN 'tombstone' ELSE 'view' END`;
}

/**
 * "Not archived" for a walk that reads only the primary key's included columns: the few archived
 * ids come from their partial index (leads_archived_idx) as a hashed subplan, so the walk stays
 * an index-only scan.
 */
const NOT_ARCHIVED_BY_ID = `id NOT IN (SELECT id FROM leads WHERE archived_at IS NOT NULL)`;

/** isMasked() in SQL. */
export function maskedSql(viewer: string, t = 'leads'): string {
  return `(${t}.jurisdiction <> ${viewer}::text AND ${t}.confidential)`;
}

/** maskedName() in SQL. */
export function maskedNameSql(t = 'leads'): string {
  return `COALESCE(NULLIF(${t}.code_name, ''), '${CODE_NAME_PLACEHOLDER}')`;
}

/** visibleTitle() in SQL. */
export function visibleTitleSql(viewer: string, t = 'leads'): string {
  return `CASE WHEN ${maskedSql(viewer, t)} THEN ${maskedNameSql(t)} ELSE ${t}.title END`;
}

/** What a list of leads asks for beyond visibility, as far as visibility cares. */
export interface VisibilityFilter {
  viewer: Jurisdiction;
  partner: Jurisdiction;
  jurisdiction?: Jurisdiction;
  sharing?: string;
  /** A text search over title and investor name: the partner must not find a masked lead by them. */
  searching?: boolean;
  /**
   * The caller walks the primary key index-only (which holds no `archived_at`): archived leads
   * are left out by id instead of by column.
   */
  indexOnly?: boolean;
}

/**
 * isListed() as one condition list per jurisdiction (own leads; the partner's shared ones), narrowed
 * by the jurisdiction and sharing filters, over unaliased `leads` columns. Each branch is an
 * ordered scan of a (jurisdiction, …) index; an OR across jurisdictions would walk the primary key.
 * A text search leaves the partner's confidential leads out: their title and investor are masked.
 * `p` binds a value and returns its placeholder. No branch: nothing is visible.
 */
export function visibilityBranches(f: VisibilityFilter, p: (v: unknown) => string): string[][] {
  const branches: string[][] = [];
  const live = f.indexOnly ? NOT_ARCHIVED_BY_ID : 'archived_at IS NULL';
  if (f.jurisdiction !== f.partner) {
    const own = [`jurisdiction = ${p(f.viewer)}`];
    if (f.sharing) own.push(`sharing = ${p(f.sharing)}`);
    branches.push([...own, live]);
  }
  if (f.jurisdiction !== f.viewer && f.sharing !== 'private') {
    const partner = [`jurisdiction = ${p(f.partner)}`, `sharing = 'shared'`];
    if (f.searching) partner.push('NOT confidential');
    branches.push([...partner, live]);
  }
  return branches;
}

/**
 * leadView() rendered by Postgres: the JSON text of the lead as `viewer` may see it, for the read
 * hot paths (GET /leads, GET /leads/:id, the changes feed), where building and re-serialising
 * objects in Node cost more than the query. The visibility test itself stays in the caller's
 * WHERE clause (visibleSql or visibilityBranches).
 */
export function leadViewJsonSql(viewer: string, t = 'leads'): string {
  const own = `(${t}.jurisdiction = ${viewer}::text)`;
  const masked = maskedSql(viewer, t);
  const unlessMasked = (expr: string, masking = 'NULL') =>
    `CASE WHEN ${masked} THEN ${masking} ELSE ${expr} END`;
  const codeName = maskedNameSql(t);
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
    'eventId', ${t}.event_id,
    'archivedAt', ${isoSql(`${t}.archived_at`)},
    'version', ${t}.version,
    'createdAt', ${isoSql(`${t}.created_at`)},
    'updatedAt', ${isoSql(`${t}.updated_at`)})::text`;
}
