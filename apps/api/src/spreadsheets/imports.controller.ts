import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
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
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'stream';
import { AppError, fieldError } from '../../../../libs/common/errors';
import { ApiErrors } from '../http/api-responses';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { ImportService, ImportView } from '../../../../libs/spreadsheets/import.service';
import { ImportViewDto, TemplateQuery } from '../../../../libs/spreadsheets/spreadsheet.dto';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Imports write like a bulk sync push (DESIGN §11, §17): managers and admins, or keys that may write. */
const WRITE = {
  roles: ['manager' as const, 'admin' as const],
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
  @Access(WRITE)
  @ApiOperation({
    summary: 'Upload a spreadsheet (.xlsx, or .csv in UTF-8 or GB18030; ≤ 50,000 rows) to preview its import',
    description:
      'Stores the file and starts reading it in the background: follow GET /imports/{id}. Nothing is written ' +
      'before POST /imports/{id}/commit. Parks cannot be imported yet.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiQuery({
    name: 'entity',
    required: false,
    enum: ['lead', 'enterprise'],
    description: 'or as a form field before the file',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        entity: { type: 'string', enum: ['lead', 'enterprise'] },
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
  @ApiErrors(400, 401, 403, 413, 415, 429)
  async upload(
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Query('entity') entityQuery?: string,
  ): Promise<ImportView> {
    if (!req.isMultipart()) throw fieldError('file', 'send the file as multipart/form-data');
    let part: MultipartFile | undefined;
    try {
      part = await req.file();
    } catch (e) {
      throw fieldError('file', `unreadable upload: ${(e as Error).message}`);
    }
    if (!part) throw fieldError('file', 'is required');
    const field = part.fields.entity as { value?: unknown } | undefined;
    const entity = this.imports.checkEntity(entityQuery ?? field?.value, true);
    let file: Buffer;
    try {
      file = await part.toBuffer();
    } catch (e) {
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new AppError(HttpStatus.PAYLOAD_TOO_LARGE, 'FILE_TOO_LARGE', 'the file is larger than 16 MB', [
          { field: 'file', message: 'must be at most 16 MB' },
        ]);
      }
      throw fieldError('file', `unreadable upload: ${(e as Error).message}`);
    }
    return this.imports.create(ctx, entity, part.filename, file);
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
