import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { CreateWebhookDto, CreatedWebhookDto, WebhookAttemptDto, WebhookViewDto } from '../../../../libs/webhooks/webhook.dto';
import { WebhookService } from '../../../../libs/webhooks/webhook.service';

/** Webhook subscriptions (DESIGN §11): admins, or API keys with `webhooks:manage`. */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Access({ roles: ['admin'], scopes: ['webhooks:manage'] })
@Controller('webhooks')
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      'The secret signs every delivery (X-Liancheng-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")) and is shown only here. ' +
      'URLs resolving to private, loopback or link-local addresses are refused unless allow-listed.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiErrors(400, 401, 403, 409, 422, 429)
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(ctx, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Subscriptions of your jurisdiction (a disabled one says why)' })
  @ApiPage(WebhookViewDto)
  @ApiErrors(400, 401, 403, 429)
  list(@Ctx() ctx: RequestContext, @Query() q: PageQuery): Promise<Page<WebhookViewDto>> {
    return this.webhooks.list(ctx, q.limit ?? DEFAULT_PAGE_SIZE, q.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscription' })
  @ApiOkResponse({ type: WebhookViewDto })
  @ApiErrors(401, 403, 404, 429)
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<WebhookViewDto> {
    return this.webhooks.get(ctx, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unsubscribe (pending deliveries are cancelled)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(401, 403, 404, 429)
  remove(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    return this.webhooks.remove(ctx, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery attempts, newest first: status, response code, duration, next retry' })
  @ApiPage(WebhookAttemptDto)
  @ApiErrors(400, 401, 403, 404, 429)
  deliveries(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() q: PageQuery,
  ): Promise<Page<WebhookAttemptDto>> {
    return this.webhooks.attempts(ctx, id, q.limit ?? DEFAULT_PAGE_SIZE, q.cursor);
  }
}
