import { Injectable } from '@nestjs/common';
import type { Writable } from 'stream';
import type { RequestContext } from '../common/request-context';
import type { Page } from '../common/pagination';
import { EnterpriseService } from '../enterprises/enterprise.service';
import type { EnterpriseListQuery } from '../enterprises/enterprise.dto';
import { LeadService } from '../leads/lead.service';
import type { LeadListQuery } from '../leads/lead.dto';
import { MatchService } from '../match-store/match.service';
import type { MatchListQuery } from '../match-store/match.dto';
import { ActionItemService } from '../cooperation/action-item.service';
import type { ActionItemListQuery } from '../cooperation/cooperation.dto';
import { ParkService } from '../parks/park.service';
import type { ParkListQuery } from '../parks/park.dto';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { ExportEntity, ExportFormat, exportColumns, writeExport } from './export';

/** Rows fetched per keyset page of an export (the list endpoints' own queries, larger pages). */
export const EXPORT_PAGE = 1000;

type Row = Record<string, any>;
type ListQuery = LeadListQuery | EnterpriseListQuery | ParkListQuery | MatchListQuery | ActionItemListQuery;

/**
 * Exports of the lists (DESIGN §17): each list's own service pages through the rows with the
 * caller's filters and visibility (code names, no partner contacts), so an export shows exactly
 * what the API shows; the rows stream out one page at a time.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly leads: LeadService,
    private readonly enterprises: EnterpriseService,
    private readonly parks: ParkService,
    private readonly matches: MatchService,
    private readonly actionItems: ActionItemService,
    private readonly taxonomy: TaxonomyService,
  ) {}

  private async page(
    ctx: RequestContext,
    entity: ExportEntity,
    q: ListQuery,
    cursor?: string,
  ): Promise<Page<Row>> {
    const query = { ...q, limit: EXPORT_PAGE, cursor } as never;
    switch (entity) {
      case 'leads':
        return JSON.parse(await this.leads.list(ctx, query)) as Page<Row>;
      case 'enterprises':
        return (await this.enterprises.list(ctx, query)) as unknown as Page<Row>;
      case 'parks':
        return (await this.parks.list(ctx, query)) as unknown as Page<Row>;
      case 'matches':
        return (await this.matches.list(ctx, query)) as unknown as Page<Row>;
      case 'action-items': {
        // One page: the plan's items as GET /action-items shows them (the filters, no cursor).
        const { items } = await this.actionItems.list(ctx, q as ActionItemListQuery);
        return { items: items as unknown as Row[], nextCursor: null };
      }
    }
  }

  /**
   * Checks the filters by reading the first page (a bad filter is a 400 before anything is sent),
   * then returns the function that writes the whole export.
   */
  async prepare(
    ctx: RequestContext,
    entity: ExportEntity,
    format: ExportFormat,
    q: ListQuery,
  ): Promise<(out: Writable) => Promise<number>> {
    const {
      format: _f,
      cursor: _c,
      limit: _l,
      ...filters
    } = q as ListQuery & {
      format?: string;
      cursor?: string;
      limit?: number;
    };
    void _f;
    void _c;
    void _l;
    const first = await this.page(ctx, entity, filters as ListQuery);
    const columns = exportColumns(entity, await this.taxonomy.graph());
    const next = (cursor: string) => this.page(ctx, entity, filters as ListQuery, cursor);
    async function* pages(): AsyncGenerator<Row[]> {
      let p = first;
      yield p.items;
      while (p.nextCursor) {
        p = await next(p.nextCursor);
        yield p.items;
      }
    }
    return (out) => writeExport(format, columns, pages(), out);
  }
}
