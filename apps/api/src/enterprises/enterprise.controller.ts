import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parseIfMatch } from '../../../../libs/common/concurrency';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { Page } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { ETAG_HEADER, ID_PARAM, IF_MATCH_SCHEMA, withEtag } from '../http/base-data.http';
import { Enterprise } from '../../../../libs/enterprises/enterprise';
import {
  CreateEnterpriseDto,
  EnterpriseDto,
  EnterpriseListQuery,
  SegmentCountsDto,
  SegmentCountsQuery,
  UpdateEnterpriseDto,
} from '../../../../libs/enterprises/enterprise.dto';
import { EnterpriseService } from '../../../../libs/enterprises/enterprise.service';

@ApiTags('base data')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('enterprises')
export class EnterpriseController {
  constructor(private readonly enterprises: EnterpriseService) {}

  @Get()
  @Access({ scopes: ['base:read'] })
  @ApiOperation({
    summary: 'List enterprises of the shared base data (all jurisdictions)',
    description:
      'Every user and every key with base:read reads all enterprises (DESIGN §5). Filters combine with AND. ' +
      'With `q` (fuzzy name search, pg_trgm) items are ranked by similarity, otherwise ordered by id; ' +
      'both use keyset pagination. Deleted enterprises are never listed.',
  })
  @ApiPage(EnterpriseDto)
  @ApiErrors(400, 401, 403, 429)
  list(@Ctx() ctx: RequestContext, @Query() q: EnterpriseListQuery): Promise<Page<Enterprise>> {
    return this.enterprises.list(ctx, q);
  }

  @Get('segment-counts')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({ summary: 'Live enterprises per segment and jurisdiction (industrial chain map)' })
  @ApiOkResponse({ type: SegmentCountsDto })
  @ApiErrors(400, 401, 403, 429)
  segmentCounts(@Query() q: SegmentCountsQuery): Promise<SegmentCountsDto> {
    return this.enterprises.segmentCounts(q.segments);
  }

  @Get(':id')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({
    summary: 'One enterprise; the ETag is its version',
    description: 'Send the ETag back as If-Match to change it. A deleted or unknown enterprise is a 404.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: EnterpriseDto, headers: ETAG_HEADER })
  @ApiErrors(401, 403, 404, 429)
  async get(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Enterprise> {
    return withEtag(res, await this.enterprises.get(ctx, id));
  }

  @Post()
  @Idempotent()
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Create an enterprise of the caller’s jurisdiction',
    description:
      'The jurisdiction is always the caller’s (naming another is a 400). The USCC, when given, must be ' +
      'valid (GB 32100-2015) and unused by another enterprise (409 USCC_TAKEN). Segments and needs must exist ' +
      'in the taxonomy. Queues a re-match of the leads it can affect. Honours Idempotency-Key.',
  })
  @ApiCreatedResponse({ type: EnterpriseDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 409, 422, 429)
  async create(
    @Ctx() ctx: RequestContext,
    @Body() dto: CreateEnterpriseDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Enterprise> {
    return withEtag(res, await this.enterprises.create(ctx, dto));
  }

  @Patch(':id')
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Change an enterprise of the caller’s jurisdiction (If-Match required)',
    description:
      'Only users and keys (base:write) of the enterprise’s own jurisdiction change it (403 otherwise). ' +
      'Send only the fields to change; `null` clears an optional field. A stale If-Match is a 412 carrying ' +
      '`currentVersion`.',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The ETag you read, e.g. "3"',
    schema: IF_MATCH_SCHEMA,
  })
  @ApiOkResponse({ type: EnterpriseDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 404, 409, 412, 428, 429)
  async update(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateEnterpriseDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Enterprise> {
    return withEtag(res, await this.enterprises.update(ctx, id, parseIfMatch(ifMatch), dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Delete an enterprise (soft delete; the changes feed gets a tombstone)',
    description:
      'Only the enterprise’s own jurisdiction deletes it. Its USCC becomes free for another record.',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Optional: delete only this version',
    schema: IF_MATCH_SCHEMA,
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 401, 403, 404, 412, 428, 429)
  async remove(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.enterprises.remove(ctx, id, ifMatch === undefined ? null : parseIfMatch(ifMatch));
  }
}
