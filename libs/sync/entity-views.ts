import type { Jurisdiction } from '../common/request-context';
import { EnterpriseRow as BaseEnterpriseRow, Enterprise, toEnterprise } from '../enterprises/enterprise';
import { canSee, leadView } from '../leads/lead-policy';
import type { LeadRow, LeadView } from '../leads/lead-view';
import { linkStrength } from '../matching/reasons';
import { ParkRow, toPark } from '../parks/park';
import { AgreementRow, agreementView } from '../agreements/agreement.service';
import { EventRow, toEvent } from '../promotion-events/promotion-event';

/**
 * What a caller of one jurisdiction may see of each feed entity (DESIGN §5), as plain functions
 * over database rows. The changes feed and the webhooks render through these, so both channels
 * hide exactly the same things. Leads go through `leadView`, the one lead visibility rule.
 */
export const FEED_ENTITIES = [
  'lead',
  'enterprise',
  'park',
  'match',
  'collision',
  'agreement',
  'action_item',
  'meeting',
  'event',
] as const;
export type FeedEntity = (typeof FEED_ENTITIES)[number];

const iso = (v: Date | string | null | undefined): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString();

/** Feed rows of enterprises include the soft-delete stamp. */
export type EnterpriseRow = BaseEnterpriseRow & { deleted_at: Date | string | null };
export type EnterpriseView = Enterprise;
export type { ParkRow };

/**
 * Enterprises are shared base data: everyone reads them (DESIGN §5), in the same shape as
 * `GET /enterprises/:id`. Deleted → null (a tombstone).
 */
export function enterpriseView(r: EnterpriseRow): EnterpriseView | null {
  return r.deleted_at ? null : toEnterprise(r);
}

/** Parks are shared base data, in the same shape as `GET /parks/:id`. */
export const parkView = toPark;

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
  if (!lead || !canSee(lead, viewer)) return null;
  const own = lead.jurisdiction === viewer;
  return {
    id: r.id,
    leadId: r.lead_id,
    kind: r.kind,
    enterpriseId: r.enterprise_id,
    parkId: r.park_id,
    relation: r.relation,
    strength: linkStrength(r.reasons),
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

/** Both cities an agreement concerns see all of it (DESIGN §14); nobody else sees it. */
export { agreementView };
export type { AgreementRow };

/** Promotion events (DESIGN §16): both cities read every event, in the shape of `GET /events/:id`. */
export const eventView = toEvent;
export type { EventRow };

export type EntityView =
  | LeadView
  | ReturnType<typeof eventView>
  | NonNullable<ReturnType<typeof agreementView>>
  | EnterpriseView
  | ReturnType<typeof parkView>
  | NonNullable<ReturnType<typeof matchView>>
  | NonNullable<ReturnType<typeof collisionView>>;
