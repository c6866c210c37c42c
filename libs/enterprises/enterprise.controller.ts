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
import { etag, parseIfMatch } from '../common/concurrency';
import { Idempotent } from '../common/idempotency';
import { ApiErrors, ApiPage } from '../common/openapi';
import { Page } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { Access } from '../identity/access.decorator';
import { Enterprise } from './enterprise';
import {
  CreateEnterpriseDto,
  EnterpriseDto,
  EnterpriseListQuery,
  UpdateEnterpriseDto,
} from './enterprise.dto';
import { EnterpriseService } from './enterprise.service';

const ETAG_HEADER = {
  ETag: { description: 'The record version, `"<version>"`', schema: { type: 'string' } },
};

@ApiTags('base data')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('enterprises')
export class EnterpriseController {
  constructor(private readonly enterprises: EnterpriseService) {}

  @Get()
  @Access({ scopes: ['base:read'] })
  @ApiOperation({ summary: 'List enterprises of the shared base data (all jurisdictions)' })
  @ApiPage(EnterpriseDto)
  @ApiErrors(400, 401, 403, 429)
  list(@Ctx() ctx: RequestContext, @Query() q: EnterpriseListQuery): Promise<Page<Enterprise>> {
    return this.enterprises.list(ctx, q);
  }

  @Get(':id')
  @Access({ scopes: ['base:read'] })
  @ApiOperation({ summary: 'One enterprise; the ETag is its version' })
  @ApiParam({ name: 'id', format: 'uuid' })
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
  @ApiOperation({ summary: 'Create an enterprise of the caller’s jurisdiction' })
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
  @ApiOperation({ summary: 'Change an enterprise of the caller’s jurisdiction (If-Match required)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag you read, e.g. "3"' })
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
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Optional: delete only this version' })
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

function withEtag<T extends { version: number }>(res: FastifyReply, record: T): T {
  void res.header('ETag', etag(record.version));
  return record;
}
