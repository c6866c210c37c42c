import type { Provider } from '@nestjs/common';
import { COLLISION_HANDLER_PROVIDER } from '../../../libs/collisions/collision-handlers';
import type { JobHandlers } from '../../../libs/jobs/jobs';
import { MATCHING_HANDLER_PROVIDER } from '../../../libs/match-store/matching-handlers';
import { NOTIFICATION_HANDLER_PROVIDER } from '../../../libs/notifications/notification-handlers';
import { IMPORT_HANDLER_PROVIDER } from '../../../libs/spreadsheets/import-handlers';
import { WEBHOOK_HANDLER_PROVIDER } from '../../../libs/webhooks/webhooks-worker.module';

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/**
 * Collects the handlers that domain libraries provide. Each domain contributes a provider
 * returning a partial JobHandlers map; startup fails if any registered job is left without one.
 */
export const HANDLER_CONTRIBUTIONS: Provider[] = [
  MATCHING_HANDLER_PROVIDER,
  WEBHOOK_HANDLER_PROVIDER,
  COLLISION_HANDLER_PROVIDER,
  NOTIFICATION_HANDLER_PROVIDER,
  IMPORT_HANDLER_PROVIDER,
];

export const WORKER_HANDLER_PROVIDERS: Provider[] = [
  ...HANDLER_CONTRIBUTIONS,
  {
    provide: JOB_HANDLERS,
    inject: HANDLER_CONTRIBUTIONS.map((p) => (p as { provide: symbol }).provide),
    useFactory: (...parts: JobHandlers[]): JobHandlers => Object.assign({}, ...parts),
  },
];
