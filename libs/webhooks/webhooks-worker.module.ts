import { Inject, Module, OnModuleDestroy, Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/config';
import type { JobHandlers } from '../jobs/jobs';
import { JOB_QUEUE, RETENTION, RETRY } from '../jobs/jobs';
import { QueueFactory } from '../platform/queues';
import { WEBHOOK_QUEUE, WebhookDispatcher } from './webhook-dispatcher';

export const WEBHOOK_JOB_HANDLERS = Symbol('WEBHOOK_JOB_HANDLERS');

/** The webhook jobs' handlers, contributed to the worker through HANDLER_CONTRIBUTIONS. */
export const WEBHOOK_HANDLER_PROVIDER: Provider = {
  provide: WEBHOOK_JOB_HANDLERS,
  inject: [WebhookDispatcher],
  useFactory: (d: WebhookDispatcher): JobHandlers => ({
    'dispatch-event': (p) => d.dispatch(p.eventId),
    'deliver-webhook': (p, job) => d.deliver(p.deliveryId, job.attemptsMade),
  }),
};

/** Worker side of webhooks: fan-out and delivery. */
@Module({
  providers: [
    {
      provide: WEBHOOK_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) =>
        new QueueFactory(c, 'producer').queue(JOB_QUEUE['deliver-webhook'], {
          defaultJobOptions: { ...RETRY.webhook, ...RETENTION },
        }),
    },
    WebhookDispatcher,
  ],
  exports: [WebhookDispatcher],
})
export class WebhooksWorkerModule implements OnModuleDestroy {
  constructor(@Inject(WEBHOOK_QUEUE) private readonly queue: Queue) {}

  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}
