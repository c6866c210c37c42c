import { Body, Controller, Get, HttpCode, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AgreementViewDto } from '../../../../libs/agreements/agreement.dto';
import { parseIfMatch } from '../../../../libs/common/concurrency';
import { Idempotent } from '../http/idempotency';
import { ApiErrors } from '../http/api-responses';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { ETAG_HEADER, ID_PARAM, IF_MATCH_SCHEMA, withEtag } from '../http/base-data.http';
import { Access } from '../http/access.decorator';
import { ActionItemService } from '../../../../libs/cooperation/action-item.service';
import {
  ActionItemDto,
  ActionItemListDto,
  ActionItemListQuery,
  ActionPlanDto,
  ActionPlanListDto,
  CreateActionItemDto,
  CreateActionPlanDto,
  CreateReportDto,
  ProposeActionItemChangeDto,
  UpdateActionItemDto,
} from '../../../../libs/cooperation/cooperation.dto';

const MANAGERS = { roles: ['manager', 'admin'] } as const;

@ApiTags('cooperation')
@ApiBearerAuth()
@Controller()
export class ActionPlanController {
  constructor(private readonly items: ActionItemService) {}

  @Get('action-plans')
  @Access({})
  @ApiOperation({ summary: 'The action plans (both cities read all)' })
  @ApiOkResponse({ type: ActionPlanListDto })
  @ApiErrors(401, 429)
  listPlans(): Promise<ActionPlanListDto> {
    return this.items.listPlans();
  }

  @Post('action-plans')
  @Idempotent()
  @Access({ roles: [...MANAGERS.roles] })
  @ApiOperation({ summary: 'Create an action plan (a manager of either city)' })
  @ApiCreatedResponse({ type: ActionPlanDto })
  @ApiErrors(400, 401, 429)
  createPlan(@Ctx() ctx: RequestContext, @Body() dto: CreateActionPlanDto): Promise<ActionPlanDto> {
    return this.items.createPlan(ctx, dto);
  }

  @Get('action-items')
  @Access({})
  @ApiOperation({
    summary: 'The items of the responsibility list (both cities read all)',
    description:
      'Filters: planId, field, status, jurisdiction (items with a unit of that city), overdue, keyTaskYear. ' +
      'Ordered by code; each item says whether it is overdue or at risk (due within 30 days).',
  })
  @ApiOkResponse({ type: ActionItemListDto })
  @ApiErrors(400, 401, 429)
  list(@Ctx() ctx: RequestContext, @Query() q: ActionItemListQuery): Promise<ActionItemListDto> {
    return this.items.list(ctx, q);
  }

  @Post('action-items')
  @Idempotent()
  @Access({ roles: [...MANAGERS.roles] })
  @ApiOperation({ summary: 'Add an item to a plan (a manager of either city)' })
  @ApiCreatedResponse({ type: ActionItemDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 409, 429)
  async create(
    @Ctx() ctx: RequestContext,
    @Body() dto: CreateActionItemDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<ActionItemDto> {
    return withEtag(res, await this.items.create(ctx, dto));
  }

  @Get('action-items/:id')
  @Access({})
  @ApiOperation({ summary: 'One item with its progress timeline; the ETag is its version' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ActionItemDto, headers: ETAG_HEADER })
  @ApiErrors(401, 404, 429)
  async get(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<ActionItemDto> {
    return withEtag(res, await this.items.get(ctx, id));
  }

  @Patch('action-items/:id')
  @Access({ roles: [...MANAGERS.roles] })
  @ApiOperation({
    summary: 'Change an item’s links or key-task year (If-Match required)',
    description:
      'Links to leads, events and parks and `keyTaskYear` change directly. `title`, `scope`, `units` and ' +
      '`dueAt` bind both cities: a body that would change them answers 409 `AGREEMENT_REQUIRED` ' +
      '(use POST /action-items/{id}/change-proposals).',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The ETag you read, e.g. "3"',
    schema: IF_MATCH_SCHEMA,
  })
  @ApiOkResponse({ type: ActionItemDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 404, 409, 412, 428, 429)
  async update(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateActionItemDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<ActionItemDto> {
    return withEtag(res, await this.items.update(ctx, id, parseIfMatch(ifMatch), dto));
  }

  @Post('action-items/:id/change-proposals')
  @HttpCode(202)
  @Idempotent()
  @Access({ roles: [...MANAGERS.roles] })
  @ApiOperation({
    summary: 'Propose a change of an item’s title, scope, units or deadline',
    description:
      'Creates an `action_item.change` agreement (DESIGN §14); nothing changes until a manager of the other ' +
      'city accepts it (POST /agreements/:id/accept). One pending proposal per item (409 `AGREEMENT_PENDING`).',
  })
  @ApiParam(ID_PARAM)
  @ApiAcceptedResponse({ type: AgreementViewDto })
  @ApiErrors(400, 401, 404, 409, 429)
  propose(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: ProposeActionItemChangeDto,
  ): Promise<AgreementViewDto> {
    return this.items.proposeChange(ctx, id, dto);
  }

  @Post('action-items/:id/reports')
  @Idempotent()
  @Access({})
  @ApiOperation({
    summary: 'Report your city’s progress on its own part of an item',
    description:
      'Any user of a city with a unit on the item (403 `NOT_YOUR_UNIT` otherwise). The report joins the dated ' +
      'timeline; the item’s progress is the mean of the cities’ figures and it is done when every city reports 100.',
  })
  @ApiParam(ID_PARAM)
  @ApiCreatedResponse({ type: ActionItemDto })
  @ApiErrors(400, 401, 404, 409, 429)
  report(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: CreateReportDto,
  ): Promise<ActionItemDto> {
    return this.items.report(ctx, id, dto);
  }
}
