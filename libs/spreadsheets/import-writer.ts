import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';
import { EnterpriseSyncService } from '../sync/enterprise-sync.service';
import { LeadSyncService } from '../sync/lead-sync.service';
import type { ItemResult, UpsertOptions } from '../sync/sync-results';

/**
 * The one place an import writes (DESIGN §17): a batch of sync items goes through the same code as
 * `PUT /sync/leads` and `PUT /sync/enterprises` (validation, bulk upsert in one transaction,
 * collision detection). The preview runs the same write as a dry run (rolled back), so preview
 * and commit cannot disagree on the rules. When leads get their one writer, repoint
 * `writeLeadBatch` here and nothing else in the import changes.
 */
@Injectable()
export class ImportWriter {
  constructor(
    private readonly leads: LeadSyncService,
    private readonly enterprises: EnterpriseSyncService,
  ) {}

  writeLeadBatch(ctx: RequestContext, items: unknown[], opts: UpsertOptions = {}): Promise<ItemResult[]> {
    return this.leads.upsert(ctx, items, opts);
  }

  writeEnterpriseBatch(ctx: RequestContext, items: unknown[], opts: UpsertOptions = {}): Promise<ItemResult[]> {
    return this.enterprises.upsert(ctx, items, opts);
  }
}
