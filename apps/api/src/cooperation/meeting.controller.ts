import { Body, Controller, Get, Headers, Param, ParseIntPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parseIfMatch } from '../../../../libs/common/concurrency';
import { fieldError } from '../../../../libs/common/errors';
import { Idempotent } from '../http/idempotency';
import { ApiErrors } from '../http/api-responses';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { ETAG_HEADER, ID_PARAM, IF_MATCH_SCHEMA, withEtag } from '../http/base-data.http';
import { Access } from '../http/access.decorator';
import {
  ActionItemDto,
  CreateMeetingDto,
  DecisionToItemDto,
  MeetingDto,
  MeetingListDto,
  MeetingPackDto,
  PackQuery,
  UpdateMeetingDto,
} from '../../../../libs/cooperation/cooperation.dto';
import { MeetingPackService } from '../../../../libs/cooperation/meeting-pack.service';
import { MeetingService } from '../../../../libs/cooperation/meeting.service';
import { packDocx, packTitle, packXlsx } from '../../../../libs/cooperation/pack-documents';
import type { MeetingPack } from '../../../../libs/cooperation/meeting-pack';

const MANAGERS = ['manager', 'admin'] as ('manager' | 'admin')[];
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('cooperation')
@ApiBearerAuth()
@Controller('meetings')
export class MeetingController {
  constructor(
    private readonly meetings: MeetingService,
    private readonly packs: MeetingPackService,
  ) {}

  @Get()
  @Access({})
  @ApiOperation({ summary: 'Joint meetings, latest first (both cities read all)' })
  @ApiOkResponse({ type: MeetingListDto })
  @ApiErrors(401, 429)
  list(): Promise<MeetingListDto> {
    return this.meetings.list();
  }

  @Post()
  @Idempotent()
  @Access({ roles: MANAGERS })
  @ApiOperation({ summary: 'Record a joint meeting (a manager of either city)' })
  @ApiCreatedResponse({ type: MeetingDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 429)
  async create(
    @Ctx() ctx: RequestContext,
    @Body() dto: CreateMeetingDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<MeetingDto> {
    return withEtag(res, await this.meetings.create(ctx, dto));
  }

  @Get(':id')
  @Access({})
  @ApiOperation({ summary: 'One joint meeting; the ETag is its version' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: MeetingDto, headers: ETAG_HEADER })
  @ApiErrors(401, 404, 429)
  async get(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<MeetingDto> {
    return withEtag(res, await this.meetings.get(ctx, id));
  }

  @Patch(':id')
  @Access({ roles: MANAGERS })
  @ApiOperation({ summary: 'Change a meeting’s record (If-Match required)' })
  @ApiParam(ID_PARAM)
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The ETag you read, e.g. "3"',
    schema: IF_MATCH_SCHEMA,
  })
  @ApiOkResponse({ type: MeetingDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 404, 409, 412, 428, 429)
  async update(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateMeetingDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<MeetingDto> {
    return withEtag(res, await this.meetings.update(ctx, id, parseIfMatch(ifMatch), dto));
  }

  @Post(':id/decisions/:index/action-item')
  @Idempotent()
  @Access({ roles: MANAGERS })
  @ApiOperation({
    summary: 'Turn a decision of the meeting into an action item',
    description:
      'Decision `index` counts from 0; the item gets the units and deadline given. 409 when it already became one.',
  })
  @ApiParam(ID_PARAM)
  @ApiParam({ name: 'index', schema: { type: 'integer', minimum: 0, maximum: 49, format: 'int32' } })
  @ApiCreatedResponse({ type: ActionItemDto })
  @ApiErrors(400, 401, 404, 409, 429)
  decisionToItem(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Param(
      'index',
      new ParseIntPipe({ exceptionFactory: () => fieldError('index', 'a decision number from 0') }),
    )
    index: number,
    @Body() dto: DecisionToItemDto,
  ): Promise<ActionItemDto> {
    return this.meetings.decisionToItem(ctx, id, index, dto);
  }

  @Get(':id/pack')
  @Access({})
  @ApiOperation({
    summary: 'The meeting pack (会议材料): JSON for the page, or Word / Excel',
    description:
      'Covers the period since the previous meeting of the same kind. `format=docx` or `xlsx` answers the ' +
      'file, in Chinese, with tables and the charts as images. The partner’s figures follow sharing: private ' +
      'leads count in totals by city, never by name.',
  })
  @ApiParam(ID_PARAM)
  @ApiProduces('application/json', DOCX, XLSX)
  @ApiOkResponse({ type: MeetingPackDto })
  @ApiErrors(400, 401, 404, 429)
  async pack(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query() q: PackQuery,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<MeetingPack | Buffer> {
    const pack = await this.packs.build(ctx, id);
    if (!q.format || q.format === 'json') return pack;
    const name = `${packTitle(pack)}-${pack.period.toDay}.${q.format}`;
    res.header('Content-Type', q.format === 'docx' ? DOCX : XLSX);
    res.header(
      'Content-Disposition',
      `attachment; filename="meeting-pack.${q.format}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    return q.format === 'docx' ? packDocx(pack) : packXlsx(pack);
  }
}
