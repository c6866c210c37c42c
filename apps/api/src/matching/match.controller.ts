import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { Page } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { requireUuidPath } from '../../../../libs/common/uuid';
import { Access } from '../http/access.decorator';
import {
  LeadMatchesDto,
  MatchDecisionDto,
  MatchItemDto,
  MatchListQuery,
  RematchAcceptedDto,
  RematchRequestDto,
  RematchStatusDto,
} from '../../../../libs/match-store/match.dto';
import { MatchService } from '../../../../libs/match-store/match.service';

@ApiTags('matching')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Controller()
export class MatchController {
  constructor(private readonly matches: MatchService) {}

  @Get('leads/:id/matches')
  @Access({ scopes: ['matches:read'] })
  @ApiOperation({
    summary: 'Chain partners and parks proposed for a lead (pending until its version is matched)',
  })
  @ApiOkResponse({ type: LeadMatchesDto })
  @ApiErrors(401, 403, 404)
  forLead(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<LeadMatchesDto> {
    return this.matches.forLead(ctx, requireUuidPath(id, 'lead'));
  }

  @Get('matches')
  @Access({ scopes: ['matches:read'] })
  @ApiOperation({ summary: 'The managers’ pipeline of matches of visible leads, best first' })
  @ApiPage(MatchItemDto)
  @ApiErrors(400, 401, 403)
  list(@Ctx() ctx: RequestContext, @Query() q: MatchListQuery): Promise<Page<MatchItemDto>> {
    return this.matches.list(ctx, q);
  }

  @Post('matches/:id/decision')
  @HttpCode(200)
  @Idempotent()
  @Access({ roles: ['manager', 'admin'] })
  @ApiOperation({ summary: 'Accept or reject a match (managers of the lead’s jurisdiction)' })
  @ApiOkResponse({ type: MatchItemDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  decide(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: MatchDecisionDto,
  ): Promise<MatchItemDto> {
    return this.matches.decide(ctx, requireUuidPath(id, 'match'), dto);
  }

  @Post('matching/rematch')
  @HttpCode(202)
  @Idempotent()
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Re-match every active lead of the admin’s city; progress at GET /matching/rematch/{jobId}',
    description:
      'A city’s admin re-matches their own jurisdiction (the default). Another jurisdiction, or all ' +
      '(no `jurisdiction`), is for platform operators (OPERATORS): 403 OPERATOR_REQUIRED otherwise.',
  })
  @ApiAcceptedResponse({ type: RematchAcceptedDto })
  @ApiErrors(400, 401, 403, 422)
  rematch(@Ctx() ctx: RequestContext, @Body() dto: RematchRequestDto): Promise<RematchAcceptedDto> {
    return this.matches.requestRematch(ctx, dto ?? {});
  }

  @Get('matching/rematch/:jobId')
  @ApiParam({
    name: 'jobId',
    schema: {
      type: 'string',
      maxLength: 100,
      pattern: '^rematch-all:[0-9a-f-]{36}:(all|beibei|mianyang)$',
    },
  })
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'State and progress of a full re-match' })
  @ApiOkResponse({ type: RematchStatusDto })
  @ApiErrors(401, 403, 404, 503)
  rematchStatus(@Ctx() ctx: RequestContext, @Param('jobId') jobId: string): Promise<RematchStatusDto> {
    return this.matches.rematchStatus(ctx, jobId);
  }
}
