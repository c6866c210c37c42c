import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';
import { LeadUpsertRow, LeadWriter } from '../leads/lead-writer';
import type { WriteOptions } from '../db/sql';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { checkLeadItem } from './item-validation';
import { ItemResult, refKeyOf } from './sync-results';

/** A bulk write's options, and the channel named in stage-move timeline entries (default: partner sync). */
export interface LeadSyncOptions extends WriteOptions {
  via?: string;
}

/**
 * Bulk upsert of leads by external reference (DESIGN §11): every item validated here, then one
 * set-based write of the valid ones (LeadWriter.upsertMany). `unchanged` items write nothing.
 */
@Injectable()
export class LeadSyncService {
  constructor(
    private readonly taxonomy: TaxonomyService,
    private readonly writer: LeadWriter,
  ) {}

  async upsert(ctx: RequestContext, items: unknown[], opts: LeadSyncOptions = {}): Promise<ItemResult[]> {
    const graph = await this.taxonomy.graph();
    const results: ItemResult[] = new Array(items.length);
    const rows: LeadUpsertRow[] = [];
    const seen = new Set<string>();
    items.forEach((raw, index) => {
      const c = checkLeadItem(raw, graph);
      if (!c.ok) {
        results[index] = { index, externalRef: c.externalRef, status: 'error', errors: c.errors };
        return;
      }
      const key = refKeyOf(c.externalRef!);
      if (seen.has(key)) {
        results[index] = {
          index,
          externalRef: c.externalRef,
          status: 'error',
          errors: [{ field: 'externalRef', message: 'appears more than once in this request' }],
        };
        return;
      }
      seen.add(key);
      rows.push({ index, ref: c.externalRef!, values: c.values });
    });
    if (rows.length)
      for (const r of await this.writer.upsertMany(ctx, rows, opts.via, opts)) results[r.index] = r;
    return results;
  }
}
