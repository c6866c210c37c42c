import { DataSource, EntityManager } from 'typeorm';
import type { Jurisdiction } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { noticeView } from '../leads/lead-policy';
import type { LeadRow } from '../leads/lead-view';
import { ActionItemRow, MeetingRow, toActionItem, toMeeting } from '../cooperation/cooperation-views';
import {
  AgreementRow,
  CollisionRow,
  EnterpriseRow,
  EventRow,
  FeedEntity,
  MatchRow,
  ParkRow,
  agreementView,
  collisionView,
  enterpriseView,
  eventView,
  matchView,
  parkView,
} from './entity-views';

export interface EntityRef {
  entity: FeedEntity;
  id: string;
  /** The jurisdictions the change log recorded (decides tombstone visibility for vanished rows). */
  jurisdictions?: string[];
}

/** `visible: false` → the viewer must not learn the change happened at all. */
export interface Rendered {
  visible: boolean;
  data: object | null;
}

export const refKey = (entity: string, id: string) => `${entity}:${id}`;

/**
 * Loads the CURRENT rows behind a set of entity refs in one query per entity kind and renders each
 * as `viewer` may see it now. Used per feed page and per webhook event, never per row.
 */
export async function renderCurrent(
  db: DataSource | EntityManager,
  viewer: Jurisdiction,
  refs: EntityRef[],
): Promise<Map<string, Rendered>> {
  const ids: Record<FeedEntity, Set<string>> = {
    lead: new Set(),
    enterprise: new Set(),
    park: new Set(),
    match: new Set(),
    collision: new Set(),
    agreement: new Set(),
    action_item: new Set(),
    meeting: new Set(),
    event: new Set(),
  };
  for (const r of refs) ids[r.entity].add(r.id);
  const load = async <T>(table: string, set: Set<string>): Promise<T[]> =>
    set.size ? sqlRows<T>(db, `SELECT * FROM ${table} WHERE id = ANY($1::uuid[])`, [[...set]]) : [];

  const [matches, collisions, enterprises, parks, agreements, actionItems, meetings, events] =
    await Promise.all([
      load<MatchRow>('matches', ids.match),
      load<CollisionRow>('collisions', ids.collision),
      load<EnterpriseRow>('enterprises', ids.enterprise),
      load<ParkRow>('parks', ids.park),
      load<AgreementRow>('agreements', ids.agreement),
      load<ActionItemRow>('action_items', ids.action_item),
      load<MeetingRow>('joint_meetings', ids.meeting),
      load<EventRow>('promotion_events', ids.event),
    ]);
  // Leads are needed for themselves, for the matches' visibility and for the collisions' sides.
  for (const m of matches) ids.lead.add(m.lead_id);
  for (const c of collisions) for (const id of c.lead_ids) ids.lead.add(id);
  const leads = new Map((await load<LeadRow>('leads', ids.lead)).map((l) => [l.id, l]));
  const matchById = new Map(matches.map((m) => [m.id, m]));
  const collisionById = new Map(collisions.map((c) => [c.id, c]));
  const enterpriseById = new Map(enterprises.map((e) => [e.id, e]));
  const parkById = new Map(parks.map((p) => [p.id, p]));
  const agreementById = new Map(agreements.map((a) => [a.id, a]));
  const actionItemById = new Map(actionItems.map((a) => [a.id, a]));
  const meetingById = new Map(meetings.map((m) => [m.id, m]));
  const eventById = new Map(events.map((e) => [e.id, e]));

  const out = new Map<string, Rendered>();
  const ownTombstone = (r: EntityRef): Rendered =>
    (r.jurisdictions ?? []).includes(viewer) ? { visible: true, data: null } : { visible: false, data: null };
  for (const r of refs) {
    const key = refKey(r.entity, r.id);
    if (out.has(key)) continue;
    switch (r.entity) {
      case 'lead': {
        const row = leads.get(r.id);
        if (!row) out.set(key, ownTombstone(r));
        else {
          const view = noticeView(row, viewer);
          out.set(key, view ? { visible: true, data: view } : { visible: false, data: null });
        }
        break;
      }
      case 'match': {
        const row = matchById.get(r.id);
        if (!row) out.set(key, ownTombstone(r));
        else {
          const view = matchView(row, leads.get(row.lead_id), viewer);
          out.set(key, view ? { visible: true, data: view } : { visible: false, data: null });
        }
        break;
      }
      case 'collision': {
        const row = collisionById.get(r.id);
        if (!row) out.set(key, ownTombstone(r));
        else {
          const view = collisionView(row, leads, viewer);
          out.set(key, view ? { visible: true, data: view } : { visible: false, data: null });
        }
        break;
      }
      case 'enterprise': {
        const row = enterpriseById.get(r.id);
        out.set(key, { visible: true, data: row ? enterpriseView(row) : null });
        break;
      }
      case 'agreement': {
        const row = agreementById.get(r.id);
        const view = row ? agreementView(row, viewer) : null;
        out.set(key, row ? { visible: !!view, data: view } : ownTombstone(r));
        break;
      }
      // Both cities read the whole cooperation mechanism (DESIGN §15).
      case 'action_item': {
        const row = actionItemById.get(r.id);
        out.set(key, { visible: true, data: row ? toActionItem(row) : null });
        break;
      }
      case 'meeting': {
        const row = meetingById.get(r.id);
        out.set(key, { visible: true, data: row ? toMeeting(row) : null });
        break;
      }
      case 'event': {
        const row = eventById.get(r.id);
        out.set(key, { visible: true, data: row ? eventView(row) : null });
        break;
      }
      case 'park': {
        const row = parkById.get(r.id);
        out.set(key, { visible: true, data: row ? parkView(row) : null });
        break;
      }
    }
  }
  return out;
}
