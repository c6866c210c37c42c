import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, timingSafeEqual } from 'crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { sqlRows } from '../db/sql';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext, actorUserId } from '../common/request-context';
import { fieldError } from '../common/errors';
import { accessTokenSecret } from '../identity/signing-key';
import {
  MarkReadDto,
  MarkReadResultDto,
  NotificationDto,
  NotificationListQuery,
  NotificationPreferencesDto,
  StreamTicketDto,
  UpdatePreferencesDto,
} from './notification.dto';
import {
  DEFAULT_MODE,
  NOTIFICATION_TYPES,
  NotificationModesDtoShape,
  renderNotification,
} from './notification-types';

interface NotificationRow {
  id: string;
  seq: string;
  type: string;
  params: Record<string, unknown>;
  link: string;
  created_at: Date;
  read_at: Date | null;
}

/** Who a stream ticket lets in. */
export interface StreamClaims {
  sub: string;
  jur: string;
  sid: string;
  sep: number;
  exp: number;
}

const TICKET_TTL_S = 60;

/** A caller's own notifications (DESIGN §18): every query by user and jurisdiction. */
@Injectable()
export class NotificationService {
  private ticketKey: Promise<Buffer> | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  view(r: NotificationRow, locale: RequestContext['locale']): NotificationDto {
    const { title, body } = renderNotification(r.type, r.params, locale);
    return {
      id: r.id,
      seq: Number(r.seq),
      type: r.type as NotificationDto['type'],
      title,
      body,
      link: r.link,
      createdAt: new Date(r.created_at).toISOString(),
      readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
    };
  }

  async list(ctx: RequestContext, q: NotificationListQuery): Promise<Page<NotificationDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(q.cursor, 1);
    if (after && !/^\d{1,18}$/.test(String(after[0])))
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const rows = await sqlRows<NotificationRow>(
      this.ds,
      `SELECT id, seq, type, params, link, created_at, read_at FROM notifications
        WHERE user_id = $1 AND jurisdiction = $2
          AND ($3::bigint IS NULL OR seq < $3::bigint)
          AND (NOT $4::boolean OR read_at IS NULL)
        ORDER BY seq DESC LIMIT $5`,
      [actorUserId(ctx), ctx.jurisdiction, after ? String(after[0]) : null, q.unread === 'true', limit + 1],
    );
    return toPage(
      rows,
      limit,
      (r) => [r.seq],
      (r) => this.view(r, ctx.locale),
    );
  }

  /** Notifications after `seq`, oldest first (the stream's catch-up). */
  async since(userId: string, jurisdiction: string, seq: number, locale: RequestContext['locale']) {
    const rows = await sqlRows<NotificationRow>(
      this.ds,
      `SELECT id, seq, type, params, link, created_at, read_at FROM notifications
        WHERE user_id = $1 AND jurisdiction = $2 AND seq > $3 ORDER BY seq LIMIT 500`,
      [userId, jurisdiction, seq],
    );
    return rows.map((r) => this.view(r, locale));
  }

  async lastSeq(userId: string): Promise<number> {
    const [row] = await sqlRows<{ last_seq: string }>(
      this.ds,
      `SELECT last_seq FROM notification_counters WHERE user_id = $1`,
      [userId],
    );
    return row ? Number(row.last_seq) : 0;
  }

  async unread(ctx: RequestContext): Promise<number> {
    const [row] = await sqlRows<{ n: number }>(
      this.ds,
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND jurisdiction = $2 AND read_at IS NULL`,
      [actorUserId(ctx), ctx.jurisdiction],
    );
    return row.n;
  }

  async markRead(ctx: RequestContext, dto: MarkReadDto): Promise<MarkReadResultDto> {
    const rows = await sqlRows(
      this.ds,
      `UPDATE notifications SET read_at = now()
        WHERE user_id = $1 AND jurisdiction = $2 AND read_at IS NULL
          AND ($3::boolean OR id = ANY($4::uuid[]))
       RETURNING id`,
      [actorUserId(ctx), ctx.jurisdiction, dto.all === true, dto.ids ?? []],
    );
    return { marked: rows.length, unread: await this.unread(ctx) };
  }

  async preferences(ctx: RequestContext): Promise<NotificationPreferencesDto> {
    const [row] = await sqlRows<{ email: string | null; modes: Record<string, string> }>(
      this.ds,
      `SELECT email, modes FROM notification_preferences WHERE user_id = $1`,
      [actorUserId(ctx)],
    );
    const modes = Object.fromEntries(
      NOTIFICATION_TYPES.map((t) => [t, row?.modes?.[t] ?? DEFAULT_MODE]),
    ) as NotificationModesDtoShape;
    return { email: row?.email ?? null, modes };
  }

  async updatePreferences(
    ctx: RequestContext,
    dto: UpdatePreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    const modes = Object.fromEntries(Object.entries(dto.modes ?? {}).filter(([, v]) => v !== undefined));
    await sqlRows(
      this.ds,
      `INSERT INTO notification_preferences (user_id, email, modes) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE
         SET email = CASE WHEN $4::boolean THEN EXCLUDED.email ELSE notification_preferences.email END,
             modes = notification_preferences.modes || EXCLUDED.modes, updated_at = now()`,
      [actorUserId(ctx), dto.email ?? null, modes, dto.email !== undefined],
    );
    return this.preferences(ctx);
  }

  /**
   * A short-lived ticket for opening the stream with EventSource (which cannot send headers).
   * Signed with a key derived from the access-token key: never valid as an access token.
   */
  async ticket(claims: Omit<StreamClaims, 'exp'>): Promise<StreamTicketDto> {
    const exp = Math.floor(Date.now() / 1000) + TICKET_TTL_S;
    const payload = Buffer.from(JSON.stringify({ ...claims, exp })).toString('base64url');
    const mac = createHmac('sha256', await this.key())
      .update(payload)
      .digest('base64url');
    return { ticket: `${payload}.${mac}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  async verifyTicket(ticket: string): Promise<StreamClaims | null> {
    const [payload, mac, extra] = ticket.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const want = createHmac('sha256', await this.key())
      .update(payload)
      .digest();
    const got = Buffer.from(mac, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as StreamClaims;
      return claims.exp * 1000 > Date.now() ? claims : null;
    } catch {
      return null;
    }
  }

  private key(): Promise<Buffer> {
    this.ticketKey ??= accessTokenSecret(this.ds, this.config.jwtSecret).then((s) =>
      createHmac('sha256', s).update('lc-notification-stream-ticket').digest(),
    );
    return this.ticketKey;
  }
}
