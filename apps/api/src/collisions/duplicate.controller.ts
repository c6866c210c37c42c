import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { Page } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { DuplicateDecisionDto, DuplicateListQuery, DuplicateViewDto } from '../../../../libs/collisions/duplicate.dto';
import { DuplicateService } from '../../../../libs/collisions/duplicate.service';

/**
 * Same-city duplicates (DESIGN §7): two active leads of the caller's jurisdiction for one
 * investor. Managers and admins of that jurisdiction only; the partner city never sees them.
 */
@ApiTags('collisions')
@ApiBearerAuth()
@Controller('duplicates')
export class DuplicateController {
  constructor(private readonly duplicates: DuplicateService) {}

  @Get()
  @Access({ roles: ['manager', 'admin'] })
  @ApiOperation({
    summary: 'Duplicate leads of the caller’s city (same investor twice)',
    description:
      'Newest first; `?status=open` for those to merge or dismiss. Never shows the partner city’s leads.',
  })
  @ApiPage(DuplicateViewDto)
  @ApiErrors(400, 401, 403)
  list(@Ctx() ctx: RequestContext, @Query() q: DuplicateListQuery): Promise<Page<DuplicateViewDto>> {
    return this.duplicates.list(ctx, q);
  }

  @Post(':id/merge')
  @Access({ roles: ['manager', 'admin'] })
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Merge the newer lead into the older one',
    description:
      'In one transaction: the newer lead’s activities, external refs and missing contacts move to the older ' +
      'lead, its open collisions and duplicates pass to it, its matches are withdrawn, and it moves to lost ' +
      'with a timeline entry; audit entries on both leads. 409 when already merged or dismissed, or when the ' +
      'older lead is lost.',
  })
  @ApiOkResponse({ type: DuplicateViewDto })
  @ApiErrors(400, 401, 403, 404, 409)
  merge(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DuplicateDecisionDto) {
    return this.duplicates.merge(ctx, id, dto.note);
  }

  @Post(':id/dismiss')
  @Access({ roles: ['manager', 'admin'] })
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Not the same investor: close the pair, change no lead' })
  @ApiOkResponse({ type: DuplicateViewDto })
  @ApiErrors(400, 401, 403, 404, 409)
  dismiss(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DuplicateDecisionDto) {
    return this.duplicates.dismiss(ctx, id, dto.note);
  }
}
