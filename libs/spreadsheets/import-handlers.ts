import type { Provider } from '@nestjs/common';
import type { JobHandlers } from '../jobs/jobs';
import { EnterpriseSyncService } from '../sync/enterprise-sync.service';
import { LeadSyncService } from '../sync/lead-sync.service';
import { ImportJobs } from './import-jobs';
import { ImportWriter } from './import-writer';

export const IMPORT_HANDLERS = Symbol('IMPORT_HANDLERS');

/** What the import jobs need in the worker (the sync write path they share with PUT /sync/…). */
export const SPREADSHEET_WORKER_PROVIDERS: Provider[] = [
  LeadSyncService,
  EnterpriseSyncService,
  ImportWriter,
  ImportJobs,
];

/** The import jobs' handlers, contributed to the worker through HANDLER_CONTRIBUTIONS. */
export const IMPORT_HANDLER_PROVIDER: Provider = {
  provide: IMPORT_HANDLERS,
  inject: [ImportJobs],
  useFactory: (jobs: ImportJobs): JobHandlers => ({
    'import-preview': (p) => jobs.preview(p.importId),
    'import-commit': (p) => jobs.commit(p.importId),
  }),
};
