import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OUTBOX_CHANNEL, OUTBOX_INSERT, OutboxService } from '../outbox/outbox.service';
import { sqlRows } from '../db/sql';
import { JOB_KEYS, JOB_KEYS_SQL } from '../jobs/jobs';

/** Webhook event types of DESIGN §11. Stable strings: partners code against them. */
export const DOMAIN_EVENT_TYPES = [
  'lead.created',
  'lead.updated',
  'lead.stage_changed',
  'match.proposed',
  'match.decided',
  'collision.detected',
  // Agreements between the cities (DESIGN §14): proposed, then accepted, declined or withdrawn.
  'agreement.proposed',
  'agreement.decided',
  // The cooperation mechanism (DESIGN §15): an action item or a joint meeting changed.
  'action_item.changed',
  'meeting.changed',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/**
 * Events only this service reads (notifications, DESIGN §18); no webhook subscription can name
 * them, so they are never sent to a partner.
 */
export const INTERNAL_EVENT_TYPES = ['activity.created'] as const;
export type InternalEventType = (typeof INTERNAL_EVENT_TYPES)[number];

export interface DomainEvent {
  type: DomainEventType | InternalEventType;
  entity: 'lead' | 'match' | 'collision' | 'agreement' | 'action_item' | 'meeting';
  entityId: string;
  /** The entity's version this event describes. */
  entityVersion: number;
  /** The owning jurisdiction (the lead's, for matches; either for collisions). */
  jurisdiction: string;
  /** Small extra facts (e.g. fromStage/toStage); never personal data. */
  detail?: Record<string, unknown>;
}

/**
 * Whether an event may concern someone (DESIGN §18): the types with a rule in
 * libs/notifications/notification-rules.ts, and a lead's create or update only when it assigned
 * the lead to someone. As SQL over a relation with the events' `type` and `detail`, and in code.
 */
const NOTIFIED_TYPES = [
  'collision.detected',
  'match.proposed',
  'match.decided',
  'activity.created',
  'agreement.proposed',
] as const;
const notifiedSql = (ev: string) =>
  `(${ev}.type IN (${NOTIFIED_TYPES.map((t) => `'${t}'`).join(', ')}) OR ${ev}.detail ? 'assignedTo')`;
export const notifies = (e: Pick<DomainEvent, 'type' | 'detail'>): boolean =>
  (NOTIFIED_TYPES as readonly string[]).includes(e.type) || !!e.detail?.assignedTo;

/**
 * The head of an insert of domain events, for set-based writers: `${EVENT_INSERT} SELECT …` with
 * the columns in this order, `RETURNING id, type, detail` for dispatchRowsSql.
 */
export const EVENT_INSERT = `INSERT INTO domain_events (type, entity, entity_id, entity_version, jurisdiction, detail)`;

/**
 * The outbox rows of new events, as SQL over `events` (a relation with the new events' `id`,
 * `type` and `detail`): `${OUTBOX_INSERT} ${dispatchRowsSql('ev')}`.
 * The one definition of those rows, for every writer that inserts events in a statement of its
 * own: a `dispatch-event` (webhooks) for each, and a `notify-event` for those that may concern
 * someone; the matches one statement proposes for a lead need one notice, so one job per lead.
 */
export const dispatchRowsSql = (events: string) =>
  `SELECT 'dispatch-event', ${JOB_KEYS_SQL.dispatchEvent(`${events}.id`)}, jsonb_build_object('eventId', ${events}.id) FROM ${events}
   UNION ALL
   SELECT 'notify-event', ${JOB_KEYS_SQL.notifyEvent('n.id')}, jsonb_build_object('eventId', n.id)
     FROM (SELECT DISTINCT ON (COALESCE(${events}.detail->>'leadId', ${events}.id::text)) ${events}.id
             FROM ${events} WHERE ${notifiedSql(events)}
            ORDER BY COALESCE(${events}.detail->>'leadId', ${events}.id::text), ${events}.id) n`;

/**
 * Records a domain event in the writer's transaction and queues its dispatch through the outbox,
 * so a webhook is sent only for a committed change, at least once (DESIGN §11–12). The dispatcher
 * renders `data` per subscriber at send time, applying the visibility rules of DESIGN §5.
 */
@Injectable()
export class EventsService {
  constructor(private readonly outbox: OutboxService) {}

  async record(em: EntityManager, event: DomainEvent): Promise<string> {
    const [row] = await sqlRows(
      em,
      `${EVENT_INSERT}
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [event.type, event.entity, event.entityId, event.entityVersion, event.jurisdiction, event.detail ?? {}],
    );
    if ((DOMAIN_EVENT_TYPES as readonly string[]).includes(event.type))
      await this.outbox.enqueue(em, 'dispatch-event', { eventId: row.id }, JOB_KEYS.dispatchEvent(row.id));
    if (notifies(event))
      await this.outbox.enqueue(em, 'notify-event', { eventId: row.id }, JOB_KEYS.notifyEvent(row.id));
    return row.id;
  }

  /** Set-based form for bulk writes. */
  async recordMany(em: EntityManager, events: DomainEvent[]): Promise<void> {
    if (!events.length) return;
    await sqlRows(
      em,
      `WITH ev AS (
         ${EVENT_INSERT}
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::int[], $5::text[], $6::jsonb[])
         RETURNING id, type, detail),
       queued AS (${OUTBOX_INSERT} ${dispatchRowsSql('ev')})
       SELECT pg_notify($7, '')`,
      [
        events.map((e) => e.type),
        events.map((e) => e.entity),
        events.map((e) => e.entityId),
        events.map((e) => e.entityVersion),
        events.map((e) => e.jurisdiction),
        events.map((e) => JSON.stringify(e.detail ?? {})),
        OUTBOX_CHANNEL,
      ],
    );
  }
}
