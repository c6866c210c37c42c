import { Injectable } from '@nestjs/common';
import { fieldError } from '../common/errors';
import { RequestContext } from '../common/request-context';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { PeriodQuery, PipelineQuery, PipelineReportDto, SummaryDto, SummaryQuery } from './report.dto';
import { ReportRepository } from './report.repository';

export const MULTI_INDUSTRY_NOTE =
  'Grouped by industry: a lead of several industries is counted once in each of its industries, ' +
  'so the groups may add up to more than the totals; totals count each lead once.';

/** A period's days must exist and `from` must not come after `to` (400 naming the field). */
function checkPeriod(q: PeriodQuery): void {
  for (const field of ['from', 'to'] as const) {
    const day = q[field];
    if (day === undefined) continue;
    const at = new Date(`${day}T00:00:00Z`);
    if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== day)
      throw fieldError(field, `${field} ${day} is not a calendar day`);
  }
  if (q.from && q.to && q.from > q.to) throw fieldError('to', `to (${q.to}) is before from (${q.from})`);
}

/** Reports for the joint meeting and the dashboard; every figure respects lead visibility (DESIGN §5). */
@Injectable()
export class ReportService {
  constructor(
    private readonly repo: ReportRepository,
    private readonly taxonomy: TaxonomyService,
  ) {}

  async pipeline(ctx: RequestContext, q: PipelineQuery): Promise<PipelineReportDto> {
    checkPeriod(q);
    const groupBy = q.groupBy ?? [];
    if (q.industry !== undefined && !(await this.taxonomy.graph()).industryByCode.has(q.industry)) {
      throw fieldError('industry', `unknown industry ${q.industry}`);
    }
    const { groups, totals } = await this.repo.pipeline(
      {
        viewer: ctx.jurisdiction,
        jurisdiction: q.jurisdiction,
        industry: q.industry,
        stage: q.stage,
        ownerId: q.ownerId?.toLowerCase(),
        from: q.from,
        to: q.to,
      },
      groupBy,
    );
    const report: PipelineReportDto = { groupBy, groups, totals };
    if (groupBy.includes('industry')) report.note = MULTI_INDUSTRY_NOTE;
    return report;
  }

  async summary(ctx: RequestContext, q: SummaryQuery): Promise<SummaryDto> {
    checkPeriod(q);
    const ownerId = q.ownerId?.toLowerCase();
    const [matches, open, deals] = await Promise.all([
      this.repo.matchCounts(ctx.jurisdiction, ownerId),
      this.repo.openCollisions(ctx.jurisdiction, ownerId),
      this.repo.deals(ctx.jurisdiction, ownerId, { from: q.from, to: q.to }),
    ]);
    const sum = (k: 'signedLeads' | 'contractAmountWan' | 'fundsInPlaceWan') =>
      Math.round(deals.reduce((a, d) => a + d[k] * 100, 0)) / 100;
    return {
      matches: {
        proposed: matches.proposed ?? 0,
        accepted: matches.accepted ?? 0,
        rejected: matches.rejected ?? 0,
      },
      collisions: { open },
      deals: {
        signedLeads: sum('signedLeads'),
        contractAmountWan: sum('contractAmountWan'),
        fundsInPlaceWan: sum('fundsInPlaceWan'),
        byJurisdiction: deals,
      },
    };
  }
}
