import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Headers,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AgreementViewDto } from '../../../../libs/agreements/agreement.dto';
import { fieldError } from '../../../../libs/common/errors';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { Page } from '../../../../libs/common/pagination';
import { Jurisdiction, RequestContext, localeOf } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { ETAG_HEADER, ID_PARAM, IF_MATCH_SCHEMA, withEtag } from '../http/base-data.http';
import { Access, Public } from '../http/access.decorator';
import { ApiKeyService } from '../../../../libs/identity/api-key.service';
import { AuthService } from '../../../../libs/identity/auth.service';
import { API_KEY_PREFIX } from '../../../../libs/identity/secrets';
import { eventsCalendar } from '../../../../libs/promotion-events/calendar';
import { PromotionEvent } from '../../../../libs/promotion-events/promotion-event';
import {
  CohostProposalDto,
  CreateEventDto,
  EventDto,
  EventListQuery,
  EventOutcomesDto,
  FeedTokenDto,
  InviteeListDto,
  InviteeSuggestionListDto,
  PutInviteesDto,
  SuggestionQuery,
  UpdateEventDto,
} from '../../../../libs/promotion-events/promotion-event.dto';
import { PromotionEventService } from '../../../../libs/promotion-events/promotion-event.service';

const IF_MATCH = {
  name: 'If-Match',
  required: true,
  description: 'The ETag you read, e.g. "3"',
  schema: IF_MATCH_SCHEMA,
};

@ApiTags('events')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('events')
export class PromotionEventsController {
  constructor(private readonly events: PromotionEventService) {}

  @Get()
  @Access({ scopes: ['base:read'] })
  @ApiOperation({
    summary: 'Promotion events of both cities, by start (DESIGN §16)',
    description:
      'Both cities read every event (平台共享). Filters: `from` (ending at or after), `to` (starting before), `kind`, `host`.',
  })
  @ApiPage(EventDto)
  @ApiErrors(400, 401, 429)
  list(@Ctx() ctx: RequestContext, @Query() q: EventListQuery): Promise<Page<PromotionEvent>> {
    return this.events.list(ctx, q);
  }

  @Post()
  @Idempotent()
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Create an event hosted by the caller’s city',
    description:
      '`hosts` defaults to the caller’s city. Naming both cities creates the event for the caller’s city and, in ' +
      'the same transaction, an `event.cohost` agreement (DESIGN §14): the partner becomes a co-host when its manager ' +
      'accepts (`pendingCohostAgreementId`). Honours Idempotency-Key.',
  })
  @ApiCreatedResponse({ type: EventDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 409, 422, 429)
  async create(
    @Ctx() ctx: RequestContext,
    @Body() dto: CreateEventDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<PromotionEvent> {
    return withEtag(res, await this.events.create(ctx, dto));
  }

  @Post('feed-token')
  @HttpCode(200)
  @Access({})
  @ApiOperation({
    summary: 'A calendar feed address for the caller (users only)',
    description:
      'Returns a secret token, shown once, and the address `/api/v1/events.ics?token=…` to subscribe to in Outlook or a ' +
      'phone calendar (they cannot send headers). The token only reads the calendar; it is stored as a hash, stops ' +
      'working when the user is deactivated, and a new one replaces it.',
  })
  @ApiOkResponse({ type: FeedTokenDto })
  @ApiErrors(401, 429)
  feedToken(@Ctx() ctx: RequestContext): Promise<FeedTokenDto> {
    return this.events.newFeedToken(ctx);
  }

  @Delete('feed-token')
  @HttpCode(204)
  @Access({})
  @ApiOperation({ summary: 'Revoke the caller’s calendar feed token' })
  @ApiNoContentResponse({ description: 'revoked (or there was none)' })
  @ApiErrors(401, 429)
  async revokeFeedToken(@Ctx() ctx: RequestContext): Promise<void> {
    await this.events.revokeFeedToken(ctx);
  }

  @Get(':id')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({ summary: 'One event; the ETag is its version' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: EventDto, headers: ETAG_HEADER })
  @ApiErrors(401, 404, 429)
  async get(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<PromotionEvent> {
    return withEtag(res, await this.events.get(ctx, id));
  }

  @Patch(':id')
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Change an event of a host city (If-Match required)',
    description:
      'Only a host city changes an event (403 `NOT_EVENT_HOST`). `hosts` changes only by agreement: a different ' +
      'value answers 409 `AGREEMENT_REQUIRED` (POST /events/{id}/cohost-proposals).',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: EventDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 404, 409, 412, 428, 429)
  async update(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateEventDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<PromotionEvent> {
    return withEtag(res, await this.events.update(ctx, id, ifMatch, dto));
  }

  @Get(':id/invitees')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({ summary: 'The invitees of an event and their status' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InviteeListDto, headers: ETAG_HEADER })
  @ApiErrors(401, 404, 429)
  async invitees(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<InviteeListDto> {
    const e = withEtag(res, await this.events.get(ctx, id));
    return { items: e.invitees, version: e.version };
  }

  @Put(':id/invitees')
  @Idempotent()
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Replace the invitee list (add, remove, check in)',
    description:
      'The whole list: `{invitees: [{enterpriseId | name, status}]}`; an enterprise’s name comes from the base data. ' +
      'Checking in on the day is a status change to `attended`. A host city only. With If-Match, a stale version ' +
      'answers 412.',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader({ ...IF_MATCH, required: false })
  @ApiOkResponse({ type: EventDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 404, 412, 422, 429)
  async putInvitees(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: PutInviteesDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<PromotionEvent> {
    return withEtag(res, await this.events.putInvitees(ctx, id, ifMatch, dto.invitees));
  }

  @Get(':id/suggested-invitees')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({
    summary: 'Enterprises of both cities up or down the chain of the focus segments',
    description:
      'Chain leaders first, then core links before supporting ones (the matching engine’s chain links, DESIGN §10); ' +
      'peers of the focus segments and unrelated enterprises are never suggested; enterprises already invited are ' +
      'left out. Reasons in the caller’s language.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InviteeSuggestionListDto })
  @ApiErrors(400, 401, 404, 429)
  async suggestions(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() q: SuggestionQuery,
  ): Promise<InviteeSuggestionListDto> {
    return { items: await this.events.suggestions(ctx, id, q.limit ?? 20) };
  }

  @Get(':id/outcomes')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({
    summary:
      'What an event brought: leads, stages reached, contract amount, funds in place, cost per signed deal',
    description:
      'Totals count every lead raised at the event in both cities (private ones too, never by name); `visibleLeads` ' +
      'lists those the caller may see. `costPerSignedWan` = budgetWan / signed, null when none signed.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: EventOutcomesDto })
  @ApiErrors(401, 404, 429)
  outcomes(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<EventOutcomesDto> {
    return this.events.outcomes(ctx, id);
  }

  @Post(':id/cohost-proposals')
  @HttpCode(202)
  @Idempotent()
  @Access({})
  @ApiOperation({
    summary: 'Propose that the partner city co-hosts the event',
    description:
      'Creates an `event.cohost` agreement (DESIGN §14); the event becomes joint when a manager of the other city ' +
      'accepts it (POST /agreements/{id}/accept). One pending proposal per event (409 `AGREEMENT_PENDING`).',
  })
  @ApiParam(ID_PARAM)
  @ApiAcceptedResponse({ type: AgreementViewDto })
  @ApiErrors(400, 401, 403, 404, 409, 429)
  proposeCohost(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: CohostProposalDto,
  ): Promise<AgreementViewDto> {
    return this.events.proposeCohost(ctx, id, dto.note);
  }
}

/**
 * `GET /events.ics`: calendar apps cannot send headers, so besides the usual credentials
 * (`Authorization: Bearer` access token or API key with base:read, or `X-Api-Key`) it takes the
 * caller's calendar feed token in `?token=` (POST /events/feed-token). One credential only.
 */
@ApiTags('events')
@Controller()
export class EventsCalendarController {
  constructor(
    private readonly events: PromotionEventService,
    private readonly auth: AuthService,
    private readonly keys: ApiKeyService,
  ) {}

  @Get('events.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({
    summary: 'iCalendar feed of the events the caller may see (Outlook, phone calendars)',
    description:
      'Authenticates with `?token=` (a calendar feed token from POST /events/feed-token: read-only, revocable) or ' +
      'the usual `Authorization: Bearer` / `X-Api-Key` (API keys need base:read). Events from a year back on.',
  })
  @ApiQuery({ name: 'token', required: false, schema: { type: 'string', maxLength: 200 } })
  @ApiProduces('text/calendar')
  @ApiOkResponse({
    description: 'RFC 5545 calendar',
    content: { 'text/calendar': { schema: { type: 'string' } } },
  })
  @ApiErrors(400, 401, 429)
  async calendar(@Req() req: FastifyRequest): Promise<string> {
    const query = (req.query ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(query)) if (k !== 'token') throw fieldError(k, 'unknown query parameter');
    const jurisdiction = await this.jurisdictionOf(req, query.token);
    const locale = localeOf(req.headers['accept-language']);
    return eventsCalendar(await this.events.calendarEvents(jurisdiction), locale);
  }

  private async jurisdictionOf(req: FastifyRequest, token: unknown): Promise<Jurisdiction> {
    const fail = () =>
      new UnauthorizedException({ code: 'BAD_CREDENTIALS', message: 'Invalid feed token or credentials' });
    const header = req.headers.authorization;
    const xKey = req.headers['x-api-key'];
    if (token !== undefined) {
      if (header !== undefined || xKey !== undefined) throw fail(); // one credential
      if (typeof token !== 'string') throw fail();
      const j = await this.events.feedTokenJurisdiction(token);
      if (!j) throw fail();
      return j;
    }
    const bearer = header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
    if (header !== undefined && !bearer) throw fail();
    if (xKey !== undefined && (typeof xKey !== 'string' || (bearer && bearer !== xKey.trim()))) throw fail();
    const credential = bearer ?? (typeof xKey === 'string' ? xKey.trim() : undefined);
    if (!credential)
      throw new UnauthorizedException({
        code: 'UNAUTHENTICATED',
        message: 'Missing credentials or feed token',
      });
    if (credential.startsWith(API_KEY_PREFIX)) {
      const key = await this.keys.authenticate(credential);
      if (!key || !key.scopes.includes('base:read')) throw fail();
      return key.jurisdiction;
    }
    const claims = this.auth.verifyAccessToken(credential);
    if (!claims) throw fail();
    return claims.jur;
  }
}
