import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { Ctx, RequestContext } from '../common/request-context';
import { Access } from '../identity/access.decorator';
import { PipelineQuery, PipelineReportDto, SummaryDto, SummaryQuery } from './report.dto';
import { ReportService } from './report.service';

@ApiTags('reports')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Access({ scopes: ['leads:read'] })
@Controller('reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('pipeline')
  @ApiOperation({
    summary: 'Lead counts and planned investment per jurisdiction / industry / stage (visible leads only)',
  })
  @ApiOkResponse({ type: PipelineReportDto })
  @ApiErrors(400, 401, 403, 429)
  pipeline(@Ctx() ctx: RequestContext, @Query() q: PipelineQuery): Promise<PipelineReportDto> {
    return this.reports.pipeline(ctx, q);
  }

  @Get('summary')
  @ApiOperation({ summary: 'Dashboard counts: matches of the caller’s leads, open collisions' })
  @ApiOkResponse({ type: SummaryDto })
  @ApiErrors(400, 401, 403, 429)
  summary(@Ctx() ctx: RequestContext, @Query() q: SummaryQuery): Promise<SummaryDto> {
    return this.reports.summary(ctx, q);
  }
}
