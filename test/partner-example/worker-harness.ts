import { NestFactory } from '@nestjs/core';
import type { Job } from 'bullmq';
import { JOB_HANDLERS } from '../../apps/worker/src/handlers';
import { webhookBackoff } from '../../apps/worker/src/job-runner';
import { OutboxRelay } from '../../apps/worker/src/outbox-relay';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import type { AppConfig } from '../../libs/config/config';
import { JOB_QUEUE, JobHandlers, JobName, QUEUES, QueueName, validatePayload } from '../../libs/jobs/jobs';
import { QueueFactory, QueueRegistry } from '../../libs/platform/queues';

/**
 * The worker's real pieces in-process: the OutboxRelay and BullMQ workers dispatching to the
 * registered handlers (as JobRunner does), on the test's database and its own queue prefix so
 * other suites sharing the local Redis never take these jobs. Only the webhooks queue is worked:
 * matching is CPU-bound and would share this one process with the API, the receiver and the test
 * (its jobs wait in this run's own prefix and are removed at close).
 */
export async function startWorker(config: AppConfig, queuesToWork: QueueName[] = [QUEUES.webhooks]) {
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  const handlers = ctx.get<JobHandlers>(JOB_HANDLERS);
  const factory = new QueueFactory(config, 'worker');
  const workers = queuesToWork.map((queue) => {
    const w = factory.worker(
      queue,
      async (job: Job) => {
        const name = job.name as JobName;
        if (JOB_QUEUE[name] !== queue) throw new Error(`job ${job.name} does not belong to ${queue}`);
        const handler = handlers[name] as (p: unknown, j: Job) => Promise<unknown>;
        return handler(validatePayload(name, job.data), job);
      },
      {
        // Webhook jobs mostly wait (HTTP, Postgres): 48 at once delivered the partner spec's
        // ≈10,700 events in ≈70 s instead of ≈85 s with 16 on the shared 2-core machine.
        concurrency: 48,
        settings: { backoffStrategy: webhookBackoff },
      },
    );
    w.on('error', () => undefined);
    return w;
  });
  const queues = new QueueRegistry(factory);
  const relay = ctx.get(OutboxRelay);
  relay.start(queues);
  return {
    async close() {
      await relay.stop();
      await Promise.all(workers.map((w) => w.close()));
      for (const name of Object.values(QUEUES)) {
        const q = new QueueFactory(config, 'producer').queue(name);
        await q.obliterate({ force: true }).catch(() => undefined);
        await q.close();
      }
      await queues.close();
      await ctx.close();
    },
  };
}
