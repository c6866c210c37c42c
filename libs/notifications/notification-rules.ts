import type { EntityManager } from 'typeorm';
import { sqlRows } from '../db/sql';
import type { Notice } from './notification-writer';

/** A domain event as the notification job reads it (libs/events). */
export interface EventRow {
  id: string;
  type: string;
  entity: string;
  entity_id: string;
  entity_version: number;
  jurisdiction: string;
  detail: Record<string, unknown>;
}

/** Who is told of one domain event, and what (DESIGN §18). */
export type NotificationRule = (em: EntityManager, event: EventRow) => Promise<Notice[]>;

interface LeadFacts {
  id: string;
  title: string;
  jurisdiction: string;
  owner_id: string | null;
  sharing: string;
}

const leadOf = async (em: EntityManager, id: unknown): Promise<LeadFacts | null> =>
  typeof id === 'string'
    ? ((
        await sqlRows<LeadFacts>(
          em,
          `SELECT id, title, jurisdiction, owner_id, sharing FROM leads WHERE id = $1::uuid`,
          [id],
        )
      )[0] ?? null)
    : null;

/** Active users of a city with one of the roles. */
const usersOf = async (em: EntityManager, jurisdiction: string, roles: string[]): Promise<string[]> =>
  (
    await sqlRows<{ id: string }>(
      em,
      `SELECT id FROM users WHERE jurisdiction = $1 AND role = ANY($2::text[]) AND active ORDER BY id`,
      [jurisdiction, roles],
    )
  ).map((r) => r.id);

const leadLink = (id: string) => `/leads/${id}`;

/**
 * The one place that decides who is told of what: one entry per domain event type. A new type
 * (e.g. action items, DESIGN §15) is one more entry here and one in NOTIFICATION_TYPES.
 */
export const NOTIFICATION_RULES: Record<string, NotificationRule> = {
  // A collision on my lead (its owner) or on my city (its managers), on both sides.
  'collision.detected': async (em, ev) => {
    const [c] = await sqlRows<{ lead_ids: string[] }>(em, `SELECT lead_ids FROM collisions WHERE id = $1`, [
      ev.entity_id,
    ]);
    if (!c) return [];
    const leads = (await Promise.all(c.lead_ids.map((id) => leadOf(em, id)))).filter(
      (l): l is LeadFacts => !!l,
    );
    const notices: Notice[] = [];
    for (const lead of leads) {
      const other = leads.find((l) => l.jurisdiction !== lead.jurisdiction);
      const params = { leadTitle: lead.title, otherJurisdiction: other?.jurisdiction };
      const managers = await usersOf(em, lead.jurisdiction, ['manager']);
      for (const userId of new Set([...(lead.owner_id ? [lead.owner_id] : []), ...managers]))
        notices.push({
          userId,
          jurisdiction: lead.jurisdiction,
          type: 'collision',
          params,
          link: managers.includes(userId) ? '/collisions' : leadLink(lead.id),
          dedupeKey: `collision:${ev.entity_id}`,
        });
    }
    return notices;
  },

  // My lead's matches are ready: one notice per computation, however many matches it proposed.
  'match.proposed': async (em, ev) => {
    const lead = await leadOf(em, ev.detail.leadId);
    if (!lead?.owner_id) return [];
    const [s] = await sqlRows<{ matched_version: number; proposed: number }>(
      em,
      `SELECT s.matched_version,
              (SELECT count(*)::int FROM matches m WHERE m.lead_id = s.lead_id AND m.status = 'proposed') AS proposed
         FROM lead_match_state s WHERE s.lead_id = $1`,
      [lead.id],
    );
    return [
      {
        userId: lead.owner_id,
        jurisdiction: lead.jurisdiction,
        type: 'matches_ready',
        params: { leadTitle: lead.title, count: s?.proposed ?? 0 },
        link: leadLink(lead.id),
        dedupeKey: `matches_ready:${lead.id}:${s?.matched_version ?? ev.entity_version}`,
      },
    ];
  },

  // A match on my lead decided.
  'match.decided': async (em, ev) => {
    const [m] = await sqlRows<{ lead_id: string; status: string }>(
      em,
      `SELECT lead_id, status FROM matches WHERE id = $1`,
      [ev.entity_id],
    );
    const lead = m && (await leadOf(em, m.lead_id));
    if (!lead?.owner_id) return [];
    return [
      {
        userId: lead.owner_id,
        jurisdiction: lead.jurisdiction,
        type: 'match_decided',
        params: { leadTitle: lead.title, decision: String(ev.detail.decision ?? m.status) },
        link: leadLink(lead.id),
        dedupeKey: `match_decided:${ev.entity_id}:${ev.entity_version}`,
      },
    ];
  },

  // The partner city followed up on my shared lead.
  'activity.created': async (em, ev) => {
    const lead = await leadOf(em, ev.entity_id);
    const author = ev.detail.authorJurisdiction;
    if (!lead?.owner_id || typeof author !== 'string' || author === lead.jurisdiction) return [];
    return [
      {
        userId: lead.owner_id,
        jurisdiction: lead.jurisdiction,
        type: 'partner_follow_up',
        params: { leadTitle: lead.title, otherJurisdiction: author },
        link: leadLink(lead.id),
        dedupeKey: `partner_follow_up:${String(ev.detail.activityId)}`,
      },
    ];
  },

  // A lead assigned to me (at creation by a manager, or reassigned).
  'lead.created': (em, ev) => assigned(em, ev),
  'lead.updated': (em, ev) => assigned(em, ev),

  // An agreement waiting on my city: its managers (its admins too, for parks).
  'agreement.proposed': async (em, ev) => {
    const [a] = await sqlRows<{
      kind: string;
      deciding_jurisdiction: string;
      proposed_by_jurisdiction: string;
      subject_id: string;
    }>(
      em,
      `SELECT kind, deciding_jurisdiction, proposed_by_jurisdiction, subject_id FROM agreements WHERE id = $1 AND status = 'pending'`,
      [ev.entity_id],
    );
    if (!a) return [];
    const park = a.kind.startsWith('park.');
    const users = await usersOf(em, a.deciding_jurisdiction, park ? ['manager', 'admin'] : ['manager']);
    return users.map((userId) => ({
      userId,
      jurisdiction: a.deciding_jurisdiction,
      type: 'agreement_waiting' as const,
      params: { kind: a.kind, proposedBy: a.proposed_by_jurisdiction },
      link: park
        ? '/base'
        : a.kind.startsWith('action_item.')
          ? '/action-plan'
          : a.kind.startsWith('event.')
            ? `/events/${a.subject_id}`
            : '/collisions',
      dedupeKey: `agreement_waiting:${ev.entity_id}`,
    }));
  },
};

async function assigned(em: EntityManager, ev: EventRow): Promise<Notice[]> {
  const to = ev.detail.assignedTo;
  if (typeof to !== 'string') return [];
  const lead = await leadOf(em, ev.entity_id);
  if (!lead || lead.owner_id !== to) return [];
  return [
    {
      userId: to,
      jurisdiction: lead.jurisdiction,
      type: 'lead_assigned',
      params: { leadTitle: lead.title },
      link: leadLink(lead.id),
      dedupeKey: `lead_assigned:${lead.id}:${ev.entity_version}`,
    },
  ];
}
