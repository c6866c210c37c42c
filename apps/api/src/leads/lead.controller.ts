import {
  Body,
  Controller,
  Get,
  Header,
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
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { etag } from '../../../../libs/common/concurrency';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { DEFAULT_PAGE_SIZE, JSON_CONTENT_TYPE, JsonText, Page, PageQuery } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import {
  ActivityViewDto,
  ArchiveLeadDto,
  AssignLeadDto,
  AssigneeListDto,
  ChangeStageDto,
  CreateActivityDto,
  CreateLeadDto,
  CreatedLeadDto,
  FundsEntryDto,
  LeadListQuery,
  LeadViewDto,
  UpdateLeadDto,
} from '../../../../libs/leads/lead.dto';
import { CreatedLead, LeadService } from '../../../../libs/leads/lead.service';
import type { LeadView } from '../../../../libs/leads/lead-view';

const READ = { scopes: ['leads:read' as const] };
const WRITE = { scopes: ['leads:write' as const] };
/** Users only (API keys get 403): managers and admins of the lead's jurisdiction. */
const MANAGERS = { roles: ['manager' as const, 'admin' as const] };

/** Leads and their timeline (DESIGN §4–6, §11). Rules live in LeadService. */
@ApiTags('leads')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller('leads')
export class LeadController {
  constructor(private readonly leads: LeadService) {}

  @Get()
  @Access(READ)
  @ApiPage(LeadViewDto)
  @ApiErrors(400, 401, 403)
  @Header('Content-Type', JSON_CONTENT_TYPE)
  list(@Ctx() ctx: RequestContext, @Query() q: LeadListQuery): Promise<JsonText> {
    return this.leads.list(ctx, q);
  }

  @Get('assignees')
  @Access(MANAGERS)
  @ApiOperation({ summary: 'The active users of the caller’s jurisdiction, to assign leads to (managers)' })
  @ApiOkResponse({ type: AssigneeListDto })
  @ApiErrors(401, 403)
  assignees(@Ctx() ctx: RequestContext): Promise<AssigneeListDto> {
    return this.leads.assignees(ctx);
  }

  @Get(':id')
  @Access(READ)
  @ApiOkResponse({
    type: LeadViewDto,
    headers: {
      ETag: { description: '"<version>"', schema: { type: 'string', maxLength: 12, pattern: '^"\\d+"$' } },
    },
  })
  @ApiErrors(401, 403, 404)
  async get(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonText> {
    const lead = await this.leads.get(ctx, id);
    void reply.header('ETag', etag(lead.version)).header('Content-Type', JSON_CONTENT_TYPE);
    return lead.view;
  }

  @Post()
  @Access(WRITE)
  @Idempotent()
  @ApiCreatedResponse({ type: CreatedLeadDto })
  @ApiErrors(400, 401, 403, 409, 422)
  async create(
    @Ctx() ctx: RequestContext,
    @Body() dto: CreateLeadDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedLead> {
    const lead = await this.leads.create(ctx, dto);
    void reply.header('ETag', etag(lead.version));
    return lead;
  }

  @Patch(':id')
  @Access(WRITE)
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag of the version you edited' })
  @ApiOkResponse({ type: LeadViewDto })
  @ApiErrors(400, 401, 403, 404, 412, 422, 428)
  async update(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateLeadDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeadView> {
    const lead = await this.leads.update(ctx, id, ifMatch, dto);
    void reply.header('ETag', etag(lead.version));
    return lead;
  }

  @Post(':id/stage')
  @HttpCode(200)
  @Access(WRITE)
  @Idempotent()
  @ApiHeader({ name: 'If-Match', required: false, description: 'optional: refuse when the lead changed' })
  @ApiOkResponse({ type: LeadViewDto, description: 'the lead in its new stage' })
  @ApiErrors(400, 401, 403, 404, 409, 412, 422, 428)
  async changeStage(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ChangeStageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeadView> {
    const lead = await this.leads.changeStage(ctx, id, ifMatch, dto);
    void reply.header('ETag', etag(lead.version));
    return lead;
  }

  @Post(':id/funds')
  @Access(WRITE)
  @Idempotent()
  @ApiOperation({
    summary: 'Add one entry of funds in place (到位资金) to a signed lead',
    description:
      'Appends `{at, amountWan, note?}` to `fundsInPlace` and answers the lead (with `fundsInPlaceWan`, the ' +
      'sum). If-Match is optional: an entry is added, nothing is overwritten. To correct or remove entries, ' +
      'PATCH the lead’s `fundsInPlace` with If-Match. 422 before the lead is signed (`signedAt`).',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'optional: refuse when the lead changed' })
  @ApiCreatedResponse({ type: LeadViewDto })
  @ApiErrors(400, 401, 403, 404, 412, 422)
  async addFunds(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: FundsEntryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeadView> {
    const lead = await this.leads.addFunds(ctx, id, ifMatch, dto);
    void reply.header('ETag', etag(lead.version));
    return lead;
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Access(MANAGERS)
  @ApiOperation({
    summary: 'Give the lead to another owner (managers of its jurisdiction)',
    description:
      'The new owner must be an active user of the lead’s jurisdiction; they are notified ' +
      '(`lead_assigned`). Used for the 待分配 queue (`GET /leads?unassigned=true`). Audited.',
  })
  @ApiOkResponse({ type: LeadViewDto })
  @ApiErrors(400, 401, 403, 404, 409)
  async assign(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: AssignLeadDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeadView> {
    const lead = await this.leads.assign(ctx, id, dto);
    void reply.header('ETag', etag(lead.version));
    return lead;
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Access(MANAGERS)
  @ApiOperation({
    summary: 'Archive the lead (soft delete; managers of its jurisdiction)',
    description:
      'The lead leaves lists, search, the board and matching; the changes feed shows it as a `delete` ' +
      'tombstone. Its own city still reads it by id (with `archivedAt`); the partner city gets 404. Audited.',
  })
  @ApiOkResponse({ type: LeadViewDto })
  @ApiErrors(400, 401, 403, 404)
  async archive(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: ArchiveLeadDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeadView> {
    const lead = await this.leads.archive(ctx, id, true, dto);
    void reply.header('ETag', etag(lead.version));
    return lead;
  }

  @Post(':id/unarchive')
  @HttpCode(200)
  @Access(MANAGERS)
  @ApiOperation({ summary: 'Restore an archived lead (managers of its jurisdiction)' })
  @ApiOkResponse({ type: LeadViewDto })
  @ApiErrors(400, 401, 403, 404)
  async unarchive(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: ArchiveLeadDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeadView> {
    const lead = await this.leads.archive(ctx, id, false, dto);
    void reply.header('ETag', etag(lead.version));
    return lead;
  }

  @Get(':id/activities')
  @Access(READ)
  @ApiPage(ActivityViewDto)
  @ApiErrors(400, 401, 403, 404)
  activities(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() q: PageQuery,
  ): Promise<Page<ActivityViewDto>> {
    return this.leads.listActivities(ctx, id, q.limit ?? DEFAULT_PAGE_SIZE, q.cursor);
  }

  @Post(':id/activities')
  @Access(WRITE)
  @Idempotent()
  @ApiCreatedResponse({ type: ActivityViewDto })
  @ApiErrors(400, 401, 403, 404, 422)
  addActivity(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: CreateActivityDto,
  ): Promise<ActivityViewDto> {
    return this.leads.addActivity(ctx, id, dto);
  }
}
