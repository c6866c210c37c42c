import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'stream';
import { ApiErrors } from '../http/api-responses';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { Idempotent } from '../http/idempotency';
import { readUpload } from '../http/upload';
import { ImportService, ImportView } from '../../../../libs/spreadsheets/import.service';
import { ImportViewDto, TemplateQuery } from '../../../../libs/spreadsheets/spreadsheet.dto';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/**
 * Imports write like a bulk sync push (DESIGN §11, §17): leads and enterprises by managers and
 * admins, parks by every user who may write parks (DESIGN §5; ImportService checks the entity), or
 * keys that may write.
 */
const WRITE = {
  roles: ['officer' as const, 'manager' as const, 'admin' as const],
  scopes: ['leads:write' as const, 'base:write' as const],
};

export const attachment = (name: string) =>
  `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Spreadsheet imports (DESIGN §17): upload, preview, commit, result. Adapters only. */
@ApiTags('imports')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportService) {}

  @Get('template')
  @Access({})
  @ApiOperation({
    summary: 'The import template: Chinese headers, drop-down lists, a note per column, an example row',
  })
  @ApiProduces(XLSX)
  @ApiOkResponse({ description: 'an .xlsx workbook', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(400, 401)
  async template(@Query() q: TemplateQuery, @Res() reply: FastifyReply): Promise<void> {
    const entity = this.imports.checkEntity(q.entity, false);
    const file = await this.imports.template(entity);
    const name = { lead: '招商线索导入模板', enterprise: '企业导入模板', park: '园区导入模板' }[entity];
    await reply
      .header('Content-Type', XLSX)
      .header('Content-Disposition', attachment(`${name}.xlsx`))
      .send(file);
  }

  @Post()
  @HttpCode(201)
  @Idempotent()
  @Access(WRITE)
  @ApiOperation({
    summary: 'Upload a spreadsheet (.xlsx, or .csv in UTF-8 or GB18030; ≤ 50,000 rows) to preview its import',
    description:
      'Stores the file and starts reading it in the background: follow GET /imports/{id}. Nothing is written ' +
      'before POST /imports/{id}/commit. Parks are keyed by their name. Honours Idempotency-Key (the same ' +
      'key with the same file returns the first import).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiQuery({
    name: 'entity',
    required: false,
    enum: ['lead', 'enterprise', 'park'],
    description: 'or as a form field before the file',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        entity: { type: 'string', enum: ['lead', 'enterprise', 'park'] },
        file: {
          type: 'string',
          format: 'binary',
          maxLength: 16 * 1024 * 1024,
          description: '.xlsx or .csv, at most 16 MB',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: ImportViewDto })
  @ApiErrors(400, 401, 403, 409, 413, 415, 422, 429)
  async upload(
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Query('entity') entityQuery?: string,
  ): Promise<ImportView> {
    const upload = await readUpload(req);
    const entity = this.imports.checkEntity(entityQuery ?? upload.fields.entity, true);
    return this.imports.create(ctx, entity, upload.filename, upload.file);
  }

  @Get(':id')
  @Access(WRITE)
  @ApiOperation({
    summary: 'Progress while the file is read; then the preview: counts, every error by row and column',
  })
  @ApiOkResponse({ type: ImportViewDto })
  @ApiErrors(401, 403, 404)
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<ImportView> {
    return this.imports.get(ctx, id);
  }

  @Post(':id/commit')
  @HttpCode(202)
  @Access(WRITE)
  @ApiOperation({
    summary: 'Write the valid rows of a finished preview, one transaction per batch of 1,000',
    description: 'Runs in the background: follow GET /imports/{id} until status is committed.',
  })
  @ApiAcceptedResponse({ type: ImportViewDto })
  @ApiErrors(401, 403, 404, 409)
  commit(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<ImportView> {
    return this.imports.commit(ctx, id);
  }

  @Get(':id/result')
  @Access(WRITE)
  @ApiOperation({ summary: 'The file’s rows with the outcome and an error column beside each row' })
  @ApiProduces(XLSX)
  @ApiOkResponse({ description: 'an .xlsx workbook', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(401, 403, 404, 409)
  async result(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const view = await this.imports.get(ctx, id); // 404 / scope before anything is sent
    if (['queued', 'reading'].includes(view.status))
      await this.imports.writeResult(ctx, id, new PassThrough()); // throws 409
    const out = new PassThrough();
    void reply
      .header('Content-Type', XLSX)
      .header('Content-Disposition', attachment(`导入结果-${view.fileName.replace(/\.\w+$/, '')}.xlsx`))
      .send(out);
    await this.imports.writeResult(ctx, id, out).catch((e: Error) => out.destroy(e));
  }
}
