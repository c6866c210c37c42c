import type { Provider } from '@nestjs/common';
import type { JobHandlers } from '../jobs/jobs';
import { NotificationJobs } from './notification-jobs';

export const NOTIFICATION_HANDLERS = Symbol('NOTIFICATION_HANDLERS');

/** The notification jobs' handlers, contributed to the worker through HANDLER_CONTRIBUTIONS. */
export const NOTIFICATION_HANDLER_PROVIDER: Provider = {
  provide: NOTIFICATION_HANDLERS,
  inject: [NotificationJobs],
  useFactory: (jobs: NotificationJobs): JobHandlers => ({
    'notify-event': (p) => jobs.notifyEvent(p.eventId),
    'notify-daily': () => jobs.daily(),
    'deliver-notification': (p) => jobs.deliver(p.deliveryId),
  }),
};
