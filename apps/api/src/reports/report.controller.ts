import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-responses';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { PipelineQuery, PipelineReportDto, SummaryDto, SummaryQuery } from '../../../../libs/reports/report.dto';
import { ReportService } from '../../../../libs/reports/report.service';

@ApiTags('reports')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Access({ scopes: ['leads:read'] })
@Controller('reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('pipeline')
  @ApiOperation({
    summary:
      'Lead counts, planned investment, contract amount and funds in place per jurisdiction / industry / stage (visible leads only)',
    description:
      'Counts the leads the caller may see: its own jurisdiction’s and the partner’s shared ones (DESIGN §5). ' +
      'Grouped by industry, a lead of several industries counts once in each (see `note`); totals count each ' +
      'lead once.',
  })
  @ApiOkResponse({ type: PipelineReportDto })
  @ApiErrors(400, 401, 403, 429)
  pipeline(@Ctx() ctx: RequestContext, @Query() q: PipelineQuery): Promise<PipelineReportDto> {
    return this.reports.pipeline(ctx, q);
  }

  @Get('summary')
  @ApiOperation({
    summary: 'Dashboard counts: matches of the caller’s leads, open collisions, signed deals',
    description:
      'Matches of leads of the caller’s jurisdiction by status, open collisions involving the caller’s ' +
      'jurisdiction, and signed deals (contract amount, funds in place) of the leads the caller may see; ' +
      '`ownerId` narrows all three to one owner’s leads.',
  })
  @ApiOkResponse({ type: SummaryDto })
  @ApiErrors(400, 401, 403, 429)
  summary(@Ctx() ctx: RequestContext, @Query() q: SummaryQuery): Promise<SummaryDto> {
    return this.reports.summary(ctx, q);
  }
}
