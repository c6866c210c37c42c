import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';
import type { WriteOptions } from '../db/sql';
import { ParkService } from '../parks/park.service';
import { EnterpriseSyncService } from '../sync/enterprise-sync.service';
import { LeadSyncService } from '../sync/lead-sync.service';
import type { ItemResult } from '../sync/sync-results';

/**
 * The one place an import writes (DESIGN §17): a batch of sync items goes through the same code as
 * `PUT /sync/leads` and `PUT /sync/enterprises`: the same validation, then the one lead writer's
 * set-based upsert (LeadWriter.upsertMany) in one transaction, with collision detection; parks go
 * through the park write path of `POST` and `PATCH /parks` (ParkService.writeMany). The
 * preview runs the same write as a dry run (rolled back), so preview and commit cannot disagree
 * on the rules.
 */
@Injectable()
export class ImportWriter {
  constructor(
    private readonly leads: LeadSyncService,
    private readonly enterprises: EnterpriseSyncService,
    private readonly parks: ParkService,
  ) {}

  writeLeadBatch(ctx: RequestContext, items: unknown[], opts: WriteOptions = {}): Promise<ItemResult[]> {
    return this.leads.upsert(ctx, items, { ...opts, via: 'spreadsheet import' });
  }

  writeEnterpriseBatch(
    ctx: RequestContext,
    items: unknown[],
    opts: WriteOptions = {},
  ): Promise<ItemResult[]> {
    return this.enterprises.upsert(ctx, items, opts);
  }

  /** Parks keyed by name, through the park write path of POST and PATCH /parks (ParkService). */
  writeParkBatch(ctx: RequestContext, items: unknown[], opts: WriteOptions = {}): Promise<ItemResult[]> {
    return this.parks.importMany(ctx, items, opts);
  }
}
