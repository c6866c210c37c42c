import type { Provider } from '@nestjs/common';
import type { JobHandlers } from '../jobs/jobs';
import { MatchingService } from './matching.service';

export const MATCHING_HANDLERS = Symbol('MATCHING_HANDLERS');

/** The matching jobs' handlers, contributed to the worker through HANDLER_CONTRIBUTIONS. */
export const MATCHING_HANDLER_PROVIDER: Provider = {
  provide: MATCHING_HANDLERS,
  inject: [MatchingService],
  useFactory: (matching: MatchingService): JobHandlers => ({
    'match-lead': (payload) => matching.matchLeadJob(payload),
    'rematch-affected': (payload) => matching.rematchAffected(payload),
    'rematch-all': (payload, job) => matching.rematchAll(payload, (p) => job.updateProgress(p)),
  }),
};
