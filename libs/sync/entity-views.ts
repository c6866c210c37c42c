import type { Jurisdiction } from '../common/request-context';
import { LeadRow, LeadView, canSeeLead, leadView } from '../leads/lead-view';

/**
 * What a caller of one jurisdiction may see of each feed entity (DESIGN §5), as plain functions
 * over database rows. The changes feed and the webhooks render through these, so both channels
 * hide exactly the same things. Leads go through `leadView`, the one lead visibility rule.
 */
export const FEED_ENTITIES = ['lead', 'enterprise', 'park', 'match', 'collision'] as const;
export type FeedEntity = (typeof FEED_ENTITIES)[number];

const iso = (v: Date | string | null | undefined): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString();
const num = (v: string | number | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

export interface EnterpriseRow {
  id: string;
  name: string;
  uscc: string | null;
  jurisdiction: string;
  segments: string[];
  needs: string[];
  chain_leader: boolean;
  revenue_wan: string | number | null;
  employees: number | null;
  address: string | null;
  tags: string[];
  external_refs: { system: string; id: string }[];
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
}

export interface EnterpriseView {
  id: string;
  name: string;
  uscc: string | null;
  jurisdiction: string;
  segments: string[];
  needs: string[];
  chainLeader: boolean;
  revenueWan: number | null;
  employees: number | null;
  address: string | null;
  tags: string[];
  externalRefs: { system: string; id: string }[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Enterprises are shared base data: everyone reads them (DESIGN §5). Deleted → null. */
export function enterpriseView(r: EnterpriseRow): EnterpriseView | null {
  if (r.deleted_at) return null;
  return {
    id: r.id,
    name: r.name,
    uscc: r.uscc,
    jurisdiction: r.jurisdiction,
    segments: r.segments,
    needs: r.needs ?? [],
    chainLeader: r.chain_leader,
    revenueWan: num(r.revenue_wan),
    employees: r.employees,
    address: r.address,
    tags: r.tags ?? [],
    externalRefs: r.external_refs ?? [],
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export interface ParkRow {
  id: string;
  name: string;
  name_en: string | null;
  jurisdictions: string[];
  co_built: boolean;
  target_segments: string[];
  available_land_mu: string | number | null;
  factory_space_sqm: string | number | null;
  incentives: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

export function parkView(r: ParkRow) {
  return {
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    jurisdictions: r.jurisdictions,
    coBuilt: r.co_built,
    targetSegments: r.target_segments,
    availableLandMu: num(r.available_land_mu),
    factorySpaceSqm: num(r.factory_space_sqm),
    incentives: r.incentives,
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export interface MatchRow {
  id: string;
  lead_id: string;
  kind: 'partner' | 'park';
  enterprise_id: string | null;
  park_id: string | null;
  relation: string | null;
  score: number;
  reasons: { code: string; text: string }[];
  status: string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_note: string | null;
  algorithm_version: string;
  lead_version: number;
  computed_at: Date | string;
  version: number;
}

/** A match is visible with its lead (DESIGN §5); the decision note stays with the lead's owners. */
export function matchView(
  r: MatchRow,
  lead: Pick<LeadRow, 'jurisdiction' | 'sharing'> | undefined,
  viewer: Jurisdiction,
) {
  if (!lead || !canSeeLead(lead, viewer)) return null;
  const own = lead.jurisdiction === viewer;
  return {
    id: r.id,
    leadId: r.lead_id,
    kind: r.kind,
    enterpriseId: r.enterprise_id,
    parkId: r.park_id,
    relation: r.relation,
    score: Number(r.score),
    reasons: r.reasons ?? [],
    status: r.status,
    decidedBy: own ? r.decided_by : null,
    decidedAt: iso(r.decided_at),
    decisionNote: own ? r.decision_note : null,
    algorithmVersion: r.algorithm_version,
    leadVersion: r.lead_version,
    computedAt: iso(r.computed_at),
    version: r.version,
  };
}

export interface CollisionRow {
  id: string;
  lead_ids: string[];
  jurisdictions: string[];
  basis: string;
  similarity: number;
  first_reported_by: string;
  status: string;
  yielded_by: string | null;
  resolved_at: Date | string | null;
  note: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

/**
 * Both jurisdictions learn that a collision exists, the other side's stage and who reported first
 * (DESIGN §5, §7); a lead the viewer may not see shows only its jurisdiction and stage, not its id.
 */
export function collisionView(r: CollisionRow, leads: Map<string, LeadRow>, viewer: Jurisdiction) {
  if (!r.jurisdictions.includes(viewer)) return null;
  return {
    id: r.id,
    basis: r.basis,
    similarity: Number(r.similarity),
    firstReportedBy: r.first_reported_by,
    status: r.status,
    yieldedBy: r.yielded_by,
    resolvedAt: iso(r.resolved_at),
    leads: r.lead_ids.map((id, i) => {
      const lead = leads.get(id);
      const jurisdiction = lead?.jurisdiction ?? r.jurisdictions[i] ?? null;
      const visible = lead ? leadView(lead, viewer) : null;
      return visible
        ? {
            id,
            jurisdiction,
            stage: visible.stage,
            title: visible.title,
            investorName: visible.investor.name,
          }
        : { id: null, jurisdiction, stage: lead?.stage ?? null, title: null, investorName: null };
    }),
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export type EntityView =
  | LeadView
  | EnterpriseView
  | ReturnType<typeof parkView>
  | NonNullable<ReturnType<typeof matchView>>
  | NonNullable<ReturnType<typeof collisionView>>;
