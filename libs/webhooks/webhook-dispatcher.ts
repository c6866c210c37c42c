import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import type { Jurisdiction } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { RETENTION, RETRY } from '../jobs/jobs';
import { renderCurrent, refKey } from '../sync/entity-loader';
import type { FeedEntity } from '../sync/entity-views';
import { checkWebhookTarget } from './address-policy';
import { WEBHOOK_DISABLE_AFTER_MS, webhookRetryDelay } from './retry-policy';
import { SIGNATURE_HEADER, signPayload } from './signature';
import { postWebhook } from './webhook-sender';

export const WEBHOOK_QUEUE = Symbol('WEBHOOK_QUEUE');

/** By primary key (`id::text = $1` read every event ever recorded, once per event). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface EventRow {
  id: string;
  type: string;
  entity: FeedEntity;
  entity_id: string;
  entity_version: number;
  jurisdiction: string;
  detail: Record<string, unknown>;
  occurred_at: Date;
}

interface DeliveryRow {
  id: string;
  status: string;
  body: unknown;
  event_id: string;
  event_type: string;
  subscription_id: string;
  url: string;
  secret: string;
  deleted_at: Date | null;
  disabled_at: Date | null;
}

/**
 * Webhook fan-out and delivery (DESIGN §11–12), run by the worker.
 *
 * `dispatch-event` (from the outbox, so only for committed changes): renders the event once per
 * subscriber jurisdiction through the same visibility rules as the feed, stores one delivery per
 * subscription (unique per event and subscription, so a re-run adds nothing) and queues
 * `deliver-webhook` with jobId = delivery id and the webhook retry policy.
 *
 * `deliver-webhook`: re-checks the target (SSRF), signs and POSTs, logs the attempt, and throws
 * on failure so BullMQ retries with back-off. A subscription failing for 24 h straight is
 * disabled and its pending deliveries cancelled.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_QUEUE) private readonly queue: Pick<Queue, 'addBulk'>,
  ) {}

  async dispatch(eventId: string): Promise<{ deliveries: number }> {
    if (!UUID.test(eventId)) {
      this.logger.warn(`dispatch-event: malformed event id ${eventId}`);
      return { deliveries: 0 };
    }
    // The event and its subscribers in one round trip (≈10,000 events a bulk push).
    const [event] = await sqlRows<EventRow & { subs: { id: string; jurisdiction: Jurisdiction }[] }>(
      this.ds,
      `SELECT e.*, COALESCE((
                SELECT json_agg(json_build_object('id', s.id, 'jurisdiction', s.jurisdiction))
                  FROM webhook_subscriptions s
                 WHERE s.deleted_at IS NULL AND s.disabled_at IS NULL AND e.type = ANY(s.events)), '[]') AS subs
         FROM domain_events e WHERE e.id = $1::uuid`,
      [eventId],
    );
    if (!event) {
      this.logger.warn(`dispatch-event: event ${eventId} not found`);
      return { deliveries: 0 };
    }
    const subs = event.subs;
    const bodies = new Map<string, unknown>();
    for (const j of new Set(subs.map((s) => s.jurisdiction))) {
      const rendered = await renderCurrent(this.ds, j, [
        { entity: event.entity, id: event.entity_id, jurisdictions: [event.jurisdiction] },
      ]);
      const view = rendered.get(refKey(event.entity, event.entity_id));
      // Not visible to this jurisdiction (a private lead of the other city): nothing is sent.
      if (!view?.visible || view.data === null) continue;
      bodies.set(j, {
        id: event.id,
        type: event.type,
        occurredAt: new Date(event.occurred_at).toISOString(),
        data: webhookData(event.entity, view.data, event.detail),
      });
    }
    const targets = subs.filter((s) => bodies.has(s.jurisdiction));
    // Store one delivery per target (a re-run adds nothing) and (re)queue every delivery of this
    // event that has not been sent, in one statement: a re-run after a crash between the insert
    // and the queue picks up where it stopped; jobId makes a repeat harmless.
    const open = await sqlRows<{ id: string }>(
      this.ds,
      `WITH ins AS (
         INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, body)
         SELECT s, $1, $2, b FROM unnest($3::uuid[], $4::jsonb[]) AS t(s, b)
         ON CONFLICT (event_id, subscription_id) DO NOTHING
         RETURNING id)
       SELECT id FROM ins
       UNION
       SELECT id FROM webhook_deliveries WHERE event_id = $1 AND status = 'pending' AND attempts = 0`,
      [
        String(event.id),
        event.type,
        targets.map((s) => s.id),
        targets.map((s) => JSON.stringify(bodies.get(s.jurisdiction))),
      ],
    );
    if (open.length) {
      await this.queue.addBulk(
        open.map((d) => ({
          name: 'deliver-webhook',
          data: { deliveryId: d.id },
          opts: { jobId: d.id, ...RETRY.webhook, ...RETENTION },
        })),
      );
    }
    return { deliveries: open.length };
  }

  async deliver(deliveryId: string, attemptsMade: number): Promise<{ status: string }> {
    const [d] = await sqlRows<DeliveryRow>(
      this.ds,
      `SELECT d.id, d.status, d.body, d.event_id, d.event_type, d.subscription_id,
              s.url, s.secret, s.deleted_at, s.disabled_at
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    if (!d) return { status: 'missing' };
    if (d.status === 'delivered' || d.status === 'failed' || d.status === 'cancelled')
      return { status: d.status };
    if (d.deleted_at || d.disabled_at) {
      await sqlRows(
        this.ds,
        `UPDATE webhook_deliveries SET status = 'cancelled', next_retry_at = NULL WHERE id = $1`,
        [d.id],
      );
      return { status: 'cancelled' };
    }
    const attempt = attemptsMade + 1;
    const body = JSON.stringify(d.body);
    const check = await checkWebhookTarget(d.url, this.config.webhookAllowedHosts);
    const result = check.ok
      ? await postWebhook(
          d.url,
          body,
          {
            [SIGNATURE_HEADER]: signPayload(d.secret, body, Math.floor(Date.now() / 1000)),
            'X-Liancheng-Event': d.event_type,
            'X-Liancheng-Delivery': d.id,
          },
          check.addresses[0],
        )
      : { ok: false, statusCode: null, durationMs: 0, error: `refused: ${check.reason}` };

    if (result.ok) {
      // One statement (one round trip, atomic). Lock order everywhere: subscription, then
      // delivery (see remove() and the failure path): `d` reads `s` before it updates, so the
      // subscription's UPDATE has finished first. The subscription row is touched only when it
      // changes, so parallel successes don't queue on it.
      await sqlRows(
        this.ds,
        `WITH s AS (
           UPDATE webhook_subscriptions SET failing_since = NULL, last_success_at = now()
            WHERE id = $2 AND (failing_since IS NOT NULL OR last_success_at IS NULL
                               OR last_success_at < now() - interval '1 minute')
           RETURNING id),
         d AS (
           UPDATE webhook_deliveries SET status = 'delivered', attempts = $3, delivered_at = now(), next_retry_at = NULL
            WHERE id = $1 AND (SELECT count(*) FROM s) >= 0
           RETURNING id)
         INSERT INTO webhook_attempts (delivery_id, subscription_id, attempt, status, response_code, duration_ms)
         SELECT d.id, $2, $3, 'delivered', $4, $5 FROM d`,
        [d.id, d.subscription_id, attempt, result.statusCode, result.durationMs],
      );
      return { status: 'delivered' };
    }

    const final = attempt >= RETRY.webhook.attempts;
    const delay = webhookRetryDelay(attempt);
    const disabled = await this.ds.transaction(async (em) => {
      const [sub] = await sqlRows<{ disabled: boolean }>(
        em,
        `UPDATE webhook_subscriptions
            SET failing_since = COALESCE(failing_since, now()),
                disabled_at = CASE WHEN COALESCE(failing_since, now()) <= now() - ($2 || ' milliseconds')::interval
                                   THEN now() ELSE disabled_at END,
                disabled_reason = CASE WHEN COALESCE(failing_since, now()) <= now() - ($2 || ' milliseconds')::interval
                                   THEN 'every delivery failed for 24 hours; last error: ' || $3 ELSE disabled_reason END
          WHERE id = $1
          RETURNING disabled_at IS NOT NULL AS disabled`,
        [d.subscription_id, String(WEBHOOK_DISABLE_AFTER_MS), result.error ?? 'unknown'],
      );
      const stop = final || sub.disabled;
      await sqlRows(
        em,
        `INSERT INTO webhook_attempts (delivery_id, subscription_id, attempt, status, response_code, duration_ms, error, next_retry_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8 THEN NULL ELSE now() + ($9 || ' milliseconds')::interval END)`,
        [
          d.id,
          d.subscription_id,
          attempt,
          check.ok ? 'failed' : 'refused',
          result.statusCode,
          result.durationMs,
          result.error,
          stop,
          String(delay),
        ],
      );
      await sqlRows(
        em,
        `UPDATE webhook_deliveries SET status = $2, attempts = $3,
                next_retry_at = CASE WHEN $4 THEN NULL ELSE now() + ($5 || ' milliseconds')::interval END
          WHERE id = $1`,
        [d.id, stop ? 'failed' : 'retrying', attempt, stop, String(delay)],
      );
      if (sub.disabled) {
        await sqlRows(
          em,
          `UPDATE webhook_deliveries SET status = 'cancelled', next_retry_at = NULL
            WHERE subscription_id = $1 AND status IN ('pending', 'retrying') AND id <> $2`,
          [d.subscription_id, d.id],
        );
      }
      return sub.disabled;
    });
    if (disabled) {
      this.logger.warn(`webhook subscription ${d.subscription_id} disabled after 24 h of failures`);
      return { status: 'disabled' };
    }
    if (final) return { status: 'failed' };
    throw new Error(`webhook delivery ${d.id} attempt ${attempt} failed: ${result.error}`);
  }
}

/**
 * Keys of an event's detail that serve Liancheng's own notices (who is told inside the product):
 * never sent to partner systems, which may belong to the other city.
 */
const INTERNAL_DETAIL = new Set(['assignedTo']);

/** A webhook body's `data`: the entity as the subscriber's city sees it, and the event's public detail. */
export function webhookData(
  entity: string,
  view: unknown,
  detail: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const open = Object.entries(detail ?? {}).filter(([k]) => !INTERNAL_DETAIL.has(k));
  return { [entity]: view, ...Object.fromEntries(open) };
}
