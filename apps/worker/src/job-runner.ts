import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../libs/config/config';
import {
  JOB_QUEUE,
  JobHandlers,
  JobName,
  QUEUES,
  QueueName,
  SCHEDULES,
  assertHandlersComplete,
  validatePayload,
} from '../../../libs/jobs/jobs';
import { jobsProcessed } from '../../../libs/platform/metrics';
import { QUEUE_REGISTRY, QueueRegistry } from '../../../libs/platform/queues';
import { JOB_HANDLERS } from './handlers';
import { webhookRetryDelay } from '../../../libs/webhooks/retry-policy';

/** Per-queue concurrency; matching is CPU- and database-bound, webhooks wait on the network. */
export function queueConcurrency(config: AppConfig): Record<QueueName, number> {
  return {
    [QUEUES.matching]: config.workerConcurrency,
    [QUEUES.webhooks]: Math.max(4, config.workerConcurrency * 2),
    [QUEUES.maintenance]: 1,
  } as Record<QueueName, number>;
}

/** Runs BullMQ workers that dispatch each job to its registered handler. */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  private workers: Worker[] = [];

  constructor(
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandlers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUE_REGISTRY) private readonly queues: QueueRegistry,
  ) {}

  /** Fails when a registered job has no handler. */
  assertComplete(): void {
    assertHandlersComplete(this.handlers);
  }

  start(): void {
    this.assertComplete();
    const concurrency = queueConcurrency(this.config);
    for (const queue of Object.values(QUEUES)) {
      const worker = this.queues.factory.worker(queue, (job) => this.dispatch(queue, job), {
        concurrency: concurrency[queue],
        lockDuration: this.config.jobLockMs,
        stalledInterval: this.config.jobLockMs,
        settings: { backoffStrategy: webhookBackoff },
      });
      worker.on('error', (e) => this.logger.warn(`worker ${queue}: ${e.message}`));
      worker.on('failed', (job, e) => {
        jobsProcessed.inc({ queue, job: job?.name ?? 'unknown', outcome: 'failed' });
        this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${e.message}`);
      });
      worker.on('completed', (job) => jobsProcessed.inc({ queue, job: job.name, outcome: 'completed' }));
      this.workers.push(worker);
    }
    void this.schedule();
  }

  /**
   * Upserts the job schedulers of SCHEDULES (idempotent; every worker does it, BullMQ keeps one
   * per id; the PostgreSQL backend keeps them in its scheduler table). The worker's Redis
   * connection waits for a Redis that is away, so this completes when Redis returns.
   */
  private async schedule(): Promise<void> {
    for (const s of SCHEDULES) {
      try {
        await this.queues
          .queueFor(s.job)
          .upsertJobScheduler(
            s.job,
            { every: s.everyMs(this.config) },
            { name: s.job, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
          );
      } catch (e) {
        this.logger.warn(`could not schedule ${s.job}: ${(e as Error).message}`);
      }
    }
  }

  private async dispatch(queue: QueueName, job: Job): Promise<unknown> {
    const name = job.name as JobName;
    if (JOB_QUEUE[name] !== queue) throw new Error(`job ${job.name} does not belong to queue ${queue}`);
    const handler = this.handlers[name] as (p: unknown, j: Job) => Promise<unknown>;
    return handler(validatePayload(name, job.data), job);
  }

  /** Whether a worker runs for every queue (the health heartbeat). */
  running(): boolean {
    return this.workers.length > 0 && this.workers.every((w) => w.isRunning());
  }

  /** Graceful: stop taking jobs and wait for the active ones to finish. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
  }
}

/**
 * Webhook back-off: 30 s doubling to a 6 h cap; 20 attempts span more than 24 h (DESIGN §11).
 * The base comes from WEBHOOK_RETRY_BASE_MS when set (tests), see libs/webhooks/retry-policy.ts.
 */
export function webhookBackoff(attemptsMade: number): number {
  return webhookRetryDelay(attemptsMade);
}
