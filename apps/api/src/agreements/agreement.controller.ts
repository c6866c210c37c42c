import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { Page } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { AgreementListQuery, AgreementViewDto, DecideAgreementDto } from '../../../../libs/agreements/agreement.dto';
import { AgreementService } from '../../../../libs/agreements/agreement.service';

/** 双方确认 (DESIGN §14): managers and admins of both cities see and decide agreements. */
@ApiTags('agreements')
@ApiBearerAuth()
@Controller('agreements')
export class AgreementController {
  constructor(private readonly agreements: AgreementService) {}

  @Get()
  @Access({ roles: ['manager', 'admin'] })
  @ApiOperation({
    summary: 'Agreements that concern the caller’s city',
    description:
      'What waits on the caller’s city (`waitingOnMe`) and what it proposed, newest first. `?status=pending` for the open ones.',
  })
  @ApiPage(AgreementViewDto)
  @ApiErrors(400, 401, 403)
  list(@Ctx() ctx: RequestContext, @Query() q: AgreementListQuery): Promise<Page<AgreementViewDto>> {
    return this.agreements.list(ctx, q);
  }

  @Get(':id')
  @Access({ roles: ['manager', 'admin'] })
  @ApiOkResponse({ type: AgreementViewDto })
  @ApiErrors(401, 403, 404)
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<AgreementViewDto> {
    return this.agreements.get(ctx, id);
  }

  @Post(':id/accept')
  @Access({ roles: ['manager', 'admin'] })
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Accept: the change takes effect now',
    description:
      'By a manager of the other city (an admin for parks). Applied in one transaction with its audit entries and events. 409 when it is no longer pending (e.g. withdrawn a moment before).',
  })
  @ApiOkResponse({ type: AgreementViewDto })
  @ApiErrors(400, 401, 403, 404, 409)
  accept(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DecideAgreementDto) {
    return this.agreements.decide(ctx, id, 'accept', dto.note);
  }

  @Post(':id/decline')
  @Access({ roles: ['manager', 'admin'] })
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Decline: nothing changes', description: 'By the other city, as for accept.' })
  @ApiOkResponse({ type: AgreementViewDto })
  @ApiErrors(400, 401, 403, 404, 409)
  decline(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DecideAgreementDto) {
    return this.agreements.decide(ctx, id, 'decline', dto.note);
  }

  @Post(':id/withdraw')
  @Access({ roles: ['manager', 'admin'] })
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Withdraw a proposal of the caller’s city',
    description: 'Only the proposing city.',
  })
  @ApiOkResponse({ type: AgreementViewDto })
  @ApiErrors(400, 401, 403, 404, 409)
  withdraw(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DecideAgreementDto) {
    return this.agreements.decide(ctx, id, 'withdraw', dto.note);
  }
}
