import { Body, Controller, Get, Header, HttpCode, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../http/idempotency';
import { ApiErrors } from '../http/api-responses';
import { JSON_CONTENT_TYPE, JsonText } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { ChangesService } from '../../../../libs/sync/changes.service';
import { EnterpriseSyncService } from '../../../../libs/sync/enterprise-sync.service';
import { LeadSyncService } from '../../../../libs/sync/lead-sync.service';
import { syncItemsOf } from '../../../../libs/sync/sync-body';
import {
  ChangesPageDto,
  ChangesQueryDto,
  SyncEnterprisesRequestDto,
  SyncLeadsRequestDto,
  SyncResultsDto,
} from '../../../../libs/sync/sync.dto';

/** Partner sync (DESIGN §11): bulk upserts and the changes feed. Adapters only. */
@ApiTags('sync')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('sync')
export class SyncController {
  constructor(
    private readonly leads: LeadSyncService,
    private readonly enterprises: EnterpriseSyncService,
    private readonly changes: ChangesService,
  ) {}

  @Put('leads')
  @HttpCode(200)
  @Idempotent()
  @Access({ roles: ['manager', 'admin'], scopes: ['leads:write'] })
  @ApiOperation({
    summary: 'Bulk upsert leads by externalRef (≤ 1,000 items)',
    description:
      'Per-item results in request order; one bad item never rejects the others. `unchanged` writes nothing. ' +
      'A key writes only its own jurisdiction’s leads.',
  })
  @ApiOkResponse({ type: SyncResultsDto })
  @ApiErrors(400, 401, 403, 409, 422, 429)
  @ApiBody({ type: SyncLeadsRequestDto })
  async upsertLeads(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<SyncResultsDto> {
    // `unknown`: the global ValidationPipe leaves the body alone; the envelope is checked here.
    return { results: await this.leads.upsert(ctx, syncItemsOf(body)) };
  }

  @Put('enterprises')
  @HttpCode(200)
  @Idempotent()
  @Access({ roles: ['manager', 'admin'], scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Bulk upsert enterprises by externalRef or USCC (≤ 1,000 items)',
    description: 'Per-item results in request order. Only the caller’s jurisdiction’s enterprises change.',
  })
  @ApiOkResponse({ type: SyncResultsDto })
  @ApiErrors(400, 401, 403, 409, 422, 429)
  @ApiBody({ type: SyncEnterprisesRequestDto })
  async upsertEnterprises(@Ctx() ctx: RequestContext, @Body() body: unknown): Promise<SyncResultsDto> {
    return { results: await this.enterprises.upsert(ctx, syncItemsOf(body)) };
  }

  @Get('changes')
  @Access({ scopes: ['changes:read'] })
  @ApiOperation({
    summary: 'Changes feed: every committed change once per version, in commit order',
    description:
      'Follow nextCursor; persist it after processing a page. hasMore=false: poll again later. ' +
      'Changes the caller may not see are left out; data is the record as the caller may see it now.',
  })
  @ApiOkResponse({ type: ChangesPageDto })
  @ApiErrors(400, 401, 403, 429)
  @Header('Content-Type', JSON_CONTENT_TYPE)
  read(@Ctx() ctx: RequestContext, @Query() q: ChangesQueryDto): Promise<JsonText> {
    // A ChangesPageDto, as JSON text rendered by the service (see ChangesService.read).
    return this.changes.read(ctx, q);
  }
}
