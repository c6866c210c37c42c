import type { Provider } from '@nestjs/common';
import type { JobHandlers } from '../jobs/jobs';
import { MatchSweep } from './match-sweep';
import { MatchingService } from './matching.service';

export const MATCHING_HANDLERS = Symbol('MATCHING_HANDLERS');

/** The matching jobs' handlers, contributed to the worker through HANDLER_CONTRIBUTIONS. */
export const MATCHING_HANDLER_PROVIDER: Provider = {
  provide: MATCHING_HANDLERS,
  inject: [MatchingService, MatchSweep],
  useFactory: (matching: MatchingService, sweep: MatchSweep): JobHandlers => ({
    'match-lead': (payload) => matching.matchLeadJob(payload),
    'match-sweep': () => sweep.run(),
    'rematch-affected': (payload) => matching.rematchAffected(payload),
    'rematch-all': (payload, job) => matching.rematchAll(payload, (p) => job.updateProgress(p)),
  }),
};
