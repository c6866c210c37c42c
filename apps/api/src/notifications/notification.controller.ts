import { Body, Controller, Get, HttpCode, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthorizedException } from '@nestjs/common';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { Page } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { fieldError } from '../../../../libs/common/errors';
import { Access, Public } from '../http/access.decorator';
import { AuthService } from '../../../../libs/identity/auth.service';
import { SessionRevocations } from '../../../../libs/identity/session-revocations';
import {
  MarkReadDto,
  MarkReadResultDto,
  NotificationDto,
  NotificationListQuery,
  NotificationPreferencesDto,
  StreamTicketDto,
  UnreadCountDto,
  UpdatePreferencesDto,
} from '../../../../libs/notifications/notification.dto';
import { NotificationHub } from '../../../../libs/notifications/notification-hub';
import { NotificationService, StreamClaims } from '../../../../libs/notifications/notification.service';

/** Heartbeat comment and fallback look at the table (a missed wake-up only delays). */
const HEARTBEAT_MS = 15_000;
const POLL_MS = 5_000;

/** A user's notifications (DESIGN §18): list, read, unread count, live stream, preferences. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationController {
  constructor(
    private readonly notifications: NotificationService,
    private readonly hub: NotificationHub,
    private readonly auth: AuthService,
    private readonly revocations: SessionRevocations,
  ) {}

  @Get()
  @Access({})
  @ApiOperation({
    summary: 'The caller’s notifications, newest first',
    description: '`?unread=true` for the unread ones.',
  })
  @ApiPage(NotificationDto)
  @ApiErrors(400, 401, 403)
  list(@Ctx() ctx: RequestContext, @Query() q: NotificationListQuery): Promise<Page<NotificationDto>> {
    return this.notifications.list(ctx, q);
  }

  @Get('unread-count')
  @Access({})
  @ApiOkResponse({ type: UnreadCountDto })
  @ApiErrors(401, 403)
  async unreadCount(@Ctx() ctx: RequestContext): Promise<UnreadCountDto> {
    return { unread: await this.notifications.unread(ctx) };
  }

  @Post('read')
  @Access({})
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark read: `{ids: [...]}` or `{all: true}`' })
  @ApiOkResponse({ type: MarkReadResultDto })
  @ApiErrors(400, 401, 403)
  markRead(@Ctx() ctx: RequestContext, @Body() dto: MarkReadDto): Promise<MarkReadResultDto> {
    return this.notifications.markRead(ctx, dto);
  }

  @Get('preferences')
  @Access({})
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiErrors(401, 403)
  preferences(@Ctx() ctx: RequestContext): Promise<NotificationPreferencesDto> {
    return this.notifications.preferences(ctx);
  }

  @Put('preferences')
  @Access({})
  @ApiOperation({ summary: 'Change the digest address and some types’ modes (the others stay)' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiErrors(400, 401, 403)
  updatePreferences(
    @Ctx() ctx: RequestContext,
    @Body() dto: UpdatePreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    return this.notifications.updatePreferences(ctx, dto);
  }

  @Post('stream-ticket')
  @Access({})
  @HttpCode(200)
  @ApiOperation({ summary: 'A 60-second ticket to open the stream with EventSource' })
  @ApiOkResponse({ type: StreamTicketDto })
  @ApiErrors(401, 403)
  streamTicket(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest): Promise<StreamTicketDto> {
    const claims = this.auth.verifyAccessToken(bearerOf(req) ?? '');
    if (!claims)
      throw new UnauthorizedException({ code: 'BAD_TOKEN', message: 'Invalid or expired access token' });
    return this.notifications.ticket({
      sub: claims.sub,
      jur: ctx.jurisdiction,
      sid: claims.sid,
      sep: claims.sep,
    });
  }

  @Get('stream')
  @Public()
  @ApiOperation({
    summary: 'Live notifications (Server-Sent Events)',
    description:
      'Authenticates with `Authorization: Bearer` or `?ticket=` (POST /notifications/stream-ticket). Each event: `id: <seq>`, `event: notification`, `data: <Notification JSON>`. Resumes after `Last-Event-ID` (header, or `?lastEventId=` when reopening): nothing lost, nothing repeated. Without it, only what arrives from now on. Ends when the session ends.',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'ticket', required: false, schema: { type: 'string', maxLength: 1024 } })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    schema: { type: 'string', pattern: '^[0-9]{1,18}$', maxLength: 18 },
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    schema: { type: 'string', pattern: '^[0-9]{1,18}$', maxLength: 18 },
  })
  @ApiOkResponse({
    description: 'An endless text/event-stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors(400, 401)
  async stream(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const query = (req.query ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(query))
      if (k !== 'ticket' && k !== 'lastEventId') throw fieldError(k, 'unknown query parameter');
    const claims = await this.streamClaims(req, query.ticket);
    const rawLast = req.headers['last-event-id'] ?? query.lastEventId;
    let last: number;
    if (rawLast === undefined || rawLast === '') last = await this.notifications.lastSeq(claims.sub);
    else if (typeof rawLast === 'string' && /^\d{1,18}$/.test(rawLast)) last = Number(rawLast);
    else throw fieldError('Last-Event-ID', 'must be the id of an event of this stream');
    const locale = /^en\b/i.test(String(req.headers['accept-language'] ?? '')) ? 'en' : 'zh-CN';

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    raw.write(`retry: 3000\n\n`);
    let open = true;
    let pumping = false;
    let again = false;
    const pump = async (): Promise<void> => {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          const items = await this.notifications.since(claims.sub, claims.jur, last, locale);
          for (const n of items) {
            if (!open) return;
            raw.write(`id: ${n.seq}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`);
            last = n.seq;
          }
        } while (again && open);
      } catch {
        /* the database is away a moment: the next wake-up or poll tries again */
      } finally {
        pumping = false;
      }
    };
    const unsubscribe = this.hub.subscribe(claims.sub, () => void pump());
    let beats = 0;
    const timer = setInterval(() => {
      // The session ended (logout, deactivation, role or password change): so does the stream.
      if (this.revocations.isRevoked({ sub: claims.sub, sid: claims.sid, sep: claims.sep })) return close();
      beats += POLL_MS;
      if (beats >= HEARTBEAT_MS) {
        beats = 0;
        raw.write(`: ping\n\n`);
      }
      void pump();
    }, POLL_MS);
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(timer);
      unsubscribe();
      raw.end();
    };
    raw.on('close', close);
    await pump();
  }

  private async streamClaims(req: FastifyRequest, ticket: unknown): Promise<StreamClaims> {
    const fail = () =>
      new UnauthorizedException({ code: 'BAD_TOKEN', message: 'Invalid or expired access token or ticket' });
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      if (ticket !== undefined) throw fail(); // one credential
      const c = this.auth.verifyAccessToken(bearer);
      if (!c) throw fail();
      return { sub: c.sub, jur: c.jur, sid: c.sid, sep: c.sep, exp: 0 };
    }
    if (typeof ticket !== 'string' || ticket.length > 1024) throw fail();
    const c = await this.notifications.verifyTicket(ticket);
    if (!c || this.revocations.isRevoked({ sub: c.sub, sid: c.sid, sep: c.sep })) throw fail();
    return c;
  }
}

function bearerOf(req: FastifyRequest): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}
