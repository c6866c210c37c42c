import { Controller, Get, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PassThrough } from 'stream';
import { ApiErrors } from '../http/api-responses';
import { cityDay } from '../../../../libs/common/city-time';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import type { ExportEntity, ExportFormat } from '../../../../libs/spreadsheets/export';
import { ExportService } from '../../../../libs/spreadsheets/export.service';
import {
  ActionItemExportQuery,
  EnterpriseExportQuery,
  LeadExportQuery,
  MatchExportQuery,
  ParkExportQuery,
} from '../../../../libs/spreadsheets/spreadsheet.dto';
import { attachment } from './imports.controller';

const TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};
const NAMES: Record<ExportEntity, string> = {
  leads: '招商线索',
  enterprises: '企业',
  parks: '园区',
  matches: '匹配',
  'action-items': '合作事项',
};
const OK = {
  description: 'the list as .xlsx or .csv (UTF-8 with BOM)',
  schema: { type: 'string' as const, format: 'binary' },
};

/**
 * Exports of the lists with their filters (DESIGN §17): what the list endpoint shows the caller,
 * streamed as a workbook or CSV. Adapters only.
 */
@ApiTags('exports')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportService) {}

  private async send(
    ctx: RequestContext,
    entity: ExportEntity,
    q: { format: ExportFormat },
    reply: FastifyReply,
  ): Promise<void> {
    const write = await this.exports.prepare(ctx, entity, q.format, q as never); // 400s before any byte
    const out = new PassThrough();
    const day = cityDay();
    void reply
      .header('Content-Type', TYPES[q.format])
      .header('Content-Disposition', attachment(`${NAMES[entity]}-${day}.${q.format}`))
      .header('Cache-Control', 'no-store')
      .send(out);
    await write(out).catch((e: Error) => out.destroy(e));
  }

  @Get('leads/export')
  @Access({ scopes: ['leads:read'] })
  @ApiTags('leads')
  @ApiOperation({ summary: 'Export the leads list with its filters (as GET /leads shows them)' })
  @ApiProduces(TYPES.xlsx, 'text/csv')
  @ApiOkResponse(OK)
  @ApiErrors(400, 401, 403)
  leads(@Ctx() ctx: RequestContext, @Query() q: LeadExportQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.send(ctx, 'leads', q, reply);
  }

  @Get('enterprises/export')
  @Access({ scopes: ['base:read'] })
  @ApiTags('enterprises')
  @ApiOperation({ summary: 'Export the enterprises list with its filters' })
  @ApiProduces(TYPES.xlsx, 'text/csv')
  @ApiOkResponse(OK)
  @ApiErrors(400, 401, 403)
  enterprises(
    @Ctx() ctx: RequestContext,
    @Query() q: EnterpriseExportQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(ctx, 'enterprises', q, reply);
  }

  @Get('parks/export')
  @Access({ scopes: ['base:read'] })
  @ApiTags('parks')
  @ApiOperation({ summary: 'Export the parks list with its filters' })
  @ApiProduces(TYPES.xlsx, 'text/csv')
  @ApiOkResponse(OK)
  @ApiErrors(400, 401, 403)
  parks(@Ctx() ctx: RequestContext, @Query() q: ParkExportQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.send(ctx, 'parks', q, reply);
  }

  @Get('matches/export')
  @Access({ scopes: ['matches:read'] })
  @ApiTags('matching')
  @ApiOperation({ summary: 'Export the match pipeline with its filters' })
  @ApiProduces(TYPES.xlsx, 'text/csv')
  @ApiOkResponse(OK)
  @ApiErrors(400, 401, 403)
  matches(
    @Ctx() ctx: RequestContext,
    @Query() q: MatchExportQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(ctx, 'matches', q, reply);
  }

  @Get('action-items/export')
  @Access({})
  @ApiTags('cooperation')
  @ApiOperation({
    summary: 'Export the action items with the list’s filters (as GET /action-items shows them)',
  })
  @ApiProduces(TYPES.xlsx, 'text/csv')
  @ApiOkResponse(OK)
  @ApiErrors(400, 401, 403)
  actionItems(
    @Ctx() ctx: RequestContext,
    @Query() q: ActionItemExportQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(ctx, 'action-items', q, reply);
  }
}
