import { Body, Controller, Get, HttpCode, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
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
import { Park } from '../../../../libs/parks/park';
import { AgreementViewDto } from '../../../../libs/agreements/agreement.dto';
import {
  CreateParkDto,
  ParkDto,
  ParkListQuery,
  ProposeParkJurisdictionsDto,
  UpdateParkDto,
} from '../../../../libs/parks/park.dto';
import { ParkService } from '../../../../libs/parks/park.service';

@ApiTags('base data')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('parks')
export class ParkController {
  constructor(private readonly parks: ParkService) {}

  @Get()
  @Access({ scopes: ['base:read'] })
  @ApiOperation({
    summary: 'List parks and carriers (all jurisdictions)',
    description:
      'Every user and every key with base:read reads all parks. With `q` items are ranked by name ' +
      'similarity (Chinese and English names), otherwise ordered by id; keyset pagination.',
  })
  @ApiPage(ParkDto)
  @ApiErrors(400, 401, 403, 429)
  list(@Ctx() ctx: RequestContext, @Query() q: ParkListQuery): Promise<Page<Park>> {
    return this.parks.list(ctx, q);
  }

  @Get(':id')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({
    summary: 'One park; the ETag is its version',
    description: 'Send the ETag back as If-Match to change it.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ParkDto, headers: ETAG_HEADER })
  @ApiErrors(401, 403, 404, 429)
  async get(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Park> {
    return withEtag(res, await this.parks.get(ctx, id));
  }

  @Post()
  @Idempotent()
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Create a park of the caller’s jurisdiction (or a co-built one)',
    description:
      '`jurisdictions` defaults to the caller’s and must include it; a co-built park names both ' +
      '(`coBuilt` true). Target segments must exist in the taxonomy. Honours Idempotency-Key.',
  })
  @ApiCreatedResponse({ type: ParkDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 409, 422, 429)
  async create(
    @Ctx() ctx: RequestContext,
    @Body() dto: CreateParkDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Park> {
    return withEtag(res, await this.parks.create(ctx, dto));
  }

  @Patch(':id')
  @Access({ scopes: ['base:write'] })
  @ApiOperation({
    summary: 'Change a park of the caller’s jurisdiction (If-Match required)',
    description:
      'A park is changed by its own jurisdiction; the co-built park by either (403 otherwise). Its ' +
      '`jurisdictions` and `coBuilt` change only by agreement: a body that would change them answers 409 ' +
      '`AGREEMENT_REQUIRED` (use POST /parks/{id}/jurisdiction-proposals). Queues a re-match of the leads it can affect.',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The ETag you read, e.g. "3"',
    schema: IF_MATCH_SCHEMA,
  })
  @ApiOkResponse({ type: ParkDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 404, 409, 412, 428, 429)
  async update(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateParkDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Park> {
    return withEtag(res, await this.parks.update(ctx, id, parseIfMatch(ifMatch), dto));
  }

  @Post(':id/jurisdiction-proposals')
  @Access({ roles: ['admin'] })
  @HttpCode(202)
  @Idempotent()
  @ApiOperation({
    summary: 'Propose new jurisdictions for a park (co-build it, or end co-building)',
    description:
      'Creates a `park.jurisdictions` agreement (DESIGN §14); nothing changes until an admin of the other ' +
      'city accepts it (POST /agreements/:id/accept). One pending proposal per park (409 `AGREEMENT_PENDING`).',
  })
  @ApiParam(ID_PARAM)
  @ApiAcceptedResponse({ type: AgreementViewDto })
  @ApiErrors(400, 401, 403, 404, 409, 429)
  proposeJurisdictions(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: ProposeParkJurisdictionsDto,
  ): Promise<AgreementViewDto> {
    return this.parks.proposeJurisdictions(ctx, id, dto);
  }
}
