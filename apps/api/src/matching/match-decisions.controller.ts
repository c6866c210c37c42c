import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../http/idempotency';
import { ApiErrors } from '../http/api-responses';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { BulkMatchDecisionDto, BulkMatchDecisionResultDto } from '../../../../libs/match-store/match.dto';
import { MatchService } from '../../../../libs/match-store/match.service';

@ApiTags('matching')
@ApiBearerAuth()
@Controller('matches')
export class MatchDecisionsController {
  constructor(private readonly matches: MatchService) {}

  @Post('decisions')
  @HttpCode(200)
  @Idempotent()
  @Access({ roles: ['manager', 'admin'] })
  @ApiOperation({
    summary: 'Accept or reject many matches at once, all or none',
    description:
      'Every id must be a match of a lead of the caller’s jurisdiction that is still proposed or decided ' +
      '(not withdrawn). When any is not, nothing changes: 422 MATCH_DECISIONS_REFUSED with one entry in ' +
      '`details` per refused id (`field`: `ids[<index>]`, its `code` and message).',
  })
  @ApiOkResponse({ type: BulkMatchDecisionResultDto })
  @ApiErrors(400, 401, 403, 422)
  decide(@Ctx() ctx: RequestContext, @Body() dto: BulkMatchDecisionDto): Promise<BulkMatchDecisionResultDto> {
    return this.matches.decideMany(ctx, dto);
  }
}
