import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AppError, fieldError, notFound } from '../common/errors';
import { Page, decodeCursor, encodeCursor } from '../common/pagination';
import { RequestContext } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { sqlRows } from '../db/sql';
import { checkWebhookTarget } from './address-policy';
import { CreateWebhookDto, CreatedWebhookDto, WebhookAttemptDto, WebhookViewDto } from './webhook.dto';

interface SubscriptionRow {
  id: string;
  url: string;
  events: string[];
  created_at: Date;
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing_since: Date | null;
  last_success_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toView(r: SubscriptionRow): WebhookViewDto {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    status: r.disabled_at ? 'disabled' : 'active',
    disabledAt: iso(r.disabled_at),
    disabledReason: r.disabled_reason,
    failingSince: iso(r.failing_since),
    lastSuccessAt: iso(r.last_success_at),
    createdAt: iso(r.created_at)!,
  };
}

/** Webhook subscriptions of the caller's jurisdiction (DESIGN §11). */
@Injectable()
export class WebhookService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: RequestContext, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    // SSRF guard before anything is stored; resolving the host sends no request to it.
    const check = await checkWebhookTarget(dto.url, this.config.webhookAllowedHosts);
    if (!check.ok) {
      throw new AppError(400, 'WEBHOOK_TARGET_REFUSED', `url: ${check.reason}`, [
        { field: 'url', message: check.reason! },
      ]);
    }
    const secret = `whsec_${randomBytes(32).toString('hex')}`;
    return this.ds.transaction(async (em) => {
      const [row] = await sqlRows<SubscriptionRow>(
        em,
        `INSERT INTO webhook_subscriptions (jurisdiction, url, events, secret, created_by_type, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [ctx.jurisdiction, dto.url, dto.events, secret, ctx.actor.type, ctx.actor.id],
      );
      await this.audit.record(em, ctx, 'create', 'webhook', row.id, {
        url: [null, dto.url],
        events: [null, dto.events],
      });
      return { id: row.id, url: row.url, events: row.events, secret };
    });
  }

  async list(ctx: RequestContext, limit: number, cursor?: string): Promise<Page<WebhookViewDto>> {
    const after = decodeCursor(cursor, 1);
    if (after && !isUuid(after[0])) throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const rows = await sqlRows<SubscriptionRow>(
      this.ds,
      `SELECT * FROM webhook_subscriptions
        WHERE jurisdiction = $1 AND deleted_at IS NULL AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT $3`,
      [ctx.jurisdiction, after ? String(after[0]) : null, limit + 1],
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { items: page.map(toView), nextCursor: more ? encodeCursor([page[page.length - 1].id]) : null };
  }

  async get(ctx: RequestContext, id: string): Promise<WebhookViewDto> {
    return toView(await this.load(ctx, id));
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.load(ctx, id);
    await this.ds.transaction(async (em) => {
      await sqlRows(em, `UPDATE webhook_subscriptions SET deleted_at = now() WHERE id = $1`, [id]);
      await sqlRows(
        em,
        `UPDATE webhook_deliveries SET status = 'cancelled', next_retry_at = NULL
          WHERE subscription_id = $1 AND status IN ('pending', 'retrying')`,
        [id],
      );
      await this.audit.record(em, ctx, 'delete', 'webhook', id, {});
    });
  }

  async attempts(
    ctx: RequestContext,
    id: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookAttemptDto>> {
    await this.load(ctx, id);
    const after = decodeCursor(cursor, 1);
    if (after && !/^\d{1,19}$/.test(String(after[0])))
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const rows = await sqlRows(
      this.ds,
      `SELECT a.id::text AS id, a.delivery_id, d.event_id, d.event_type, a.attempt, a.status, a.response_code,
              a.duration_ms, a.error, a.next_retry_at, a.at
         FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
        WHERE a.subscription_id = $1 AND ($2::bigint IS NULL OR a.id < $2::bigint)
        ORDER BY a.id DESC LIMIT $3`,
      [id, after ? String(after[0]) : null, limit + 1],
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      items: page.map((r) => ({
        id: r.id,
        deliveryId: r.delivery_id,
        eventId: r.event_id,
        eventType: r.event_type,
        attempt: r.attempt,
        status: r.status,
        responseCode: r.response_code,
        durationMs: r.duration_ms,
        error: r.error,
        nextRetryAt: iso(r.next_retry_at),
        at: iso(r.at)!,
      })),
      nextCursor: more ? encodeCursor([page[page.length - 1].id]) : null,
    };
  }

  /** Another jurisdiction's subscription answers 404 like a missing one. */
  private async load(ctx: RequestContext, id: string): Promise<SubscriptionRow> {
    requireUuidPath(id, 'webhook');
    const [row] = await sqlRows<SubscriptionRow>(
      this.ds,
      `SELECT * FROM webhook_subscriptions WHERE id = $1 AND jurisdiction = $2 AND deleted_at IS NULL`,
      [id, ctx.jurisdiction],
    );
    if (!row) throw notFound('webhook');
    return row;
  }
}
