import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Jurisdiction } from '../common/request-context';
import type { JobHandlers } from '../jobs/jobs';
import { CollisionDetector } from './collision-detector';

export const COLLISION_HANDLERS = Symbol('COLLISION_HANDLERS');

/** The collision jobs' handlers, contributed to the worker through HANDLER_CONTRIBUTIONS. */
export const COLLISION_HANDLER_PROVIDER: Provider = {
  provide: COLLISION_HANDLERS,
  inject: [getDataSourceToken(), CollisionDetector],
  useFactory: (ds: DataSource, detector: CollisionDetector): JobHandlers => ({
    'detect-duplicates': (payload) =>
      ds.transaction((em) =>
        detector.detectDuplicatesJob(em, payload.jurisdiction as Jurisdiction, payload.leadIds),
      ),
  }),
};
