import {
  Processor,
  Queue,
  QueueEvents,
  QueueOptions,
  Worker,
  WorkerOptions,
  createPostgresBackend,
} from 'bullmq';
import type { AppConfig, QueueBackend } from '../config/config';
import { bullConnection } from './redis';
import { JOB_QUEUE, JobName, JobPayloads, QUEUES, QueueName, RETENTION, RETRY } from '../jobs/jobs';

export const QUEUE_REGISTRY = Symbol('QUEUE_REGISTRY');

/** The queue options every backend understands (the connection is the factory's business). */
export type QueueSettings = Omit<QueueOptions, 'connection' | 'prefix'>;
export type WorkerSettings = Omit<WorkerOptions, 'connection' | 'prefix'>;

/**
 * The one place that builds BullMQ Queues, Workers and QueueEvents (DESIGN §12), on the backend of
 * QUEUE_BACKEND:
 * - `redis`: keys under QUEUE_PREFIX (the `{lc}` hash tag), ioredis connections per role
 *   (producers fail fast, workers never give up);
 * - `postgres`: BullMQ's PostgreSQL backend in DATABASE_URL, tables in schema QUEUE_SCHEMA (created
 *   and migrated by the first connection, under BullMQ's advisory lock), jobs claimed with
 *   FOR UPDATE SKIP LOCKED and woken by LISTEN/NOTIFY. Nothing opens a Redis connection.
 * The same Queue/Worker API runs on both; callers never see which.
 */
export class QueueFactory {
  readonly backend: QueueBackend;

  constructor(
    private readonly config: Pick<
      AppConfig,
      'queueBackend' | 'redisUrl' | 'queuePrefix' | 'databaseUrl' | 'queueSchema' | 'workerConcurrency'
    >,
    private readonly role: 'producer' | 'worker',
  ) {
    this.backend = config.queueBackend;
  }

  queue(name: string, settings: QueueSettings = {}): Queue {
    const q =
      this.backend === 'postgres'
        ? (new Queue(
            name,
            { ...settings, connection: this.pgConnection(2) },
            createPostgresBackend,
          ) as unknown as Queue)
        : new Queue(name, {
            ...settings,
            connection: bullConnection(this.config.redisUrl, this.role),
            prefix: this.config.queuePrefix,
          });
    q.on('error', () => undefined);
    return q;
  }

  worker(name: string, processor: Processor, settings: WorkerSettings = {}): Worker {
    if (this.backend === 'postgres') {
      // Its own pool: about one connection per job finishing at once plus the one that claims
      // jobs, at most 10 (the LISTEN connection is separate and takes no pool slot). The jobs'
      // own queries run on the application's pool.
      const size = Math.min((settings.concurrency ?? 1) + 2, 10);
      return new Worker(
        name,
        processor,
        { ...settings, connection: this.pgConnection(size) },
        createPostgresBackend,
      ) as unknown as Worker;
    }
    return new Worker(name, processor, {
      ...settings,
      connection: bullConnection(this.config.redisUrl, 'worker'),
      prefix: this.config.queuePrefix,
    });
  }

  queueEvents(name: string): QueueEvents {
    return this.backend === 'postgres'
      ? (new QueueEvents(
          name,
          { connection: this.pgConnection(1) },
          createPostgresBackend,
        ) as unknown as QueueEvents)
      : new QueueEvents(name, {
          connection: bullConnection(this.config.redisUrl, 'worker'),
          prefix: this.config.queuePrefix,
        });
  }

  /**
   * A pool config for the PostgreSQL backend. `migrate: true`: the first connection creates or
   * upgrades BullMQ's tables (transactional, one process at a time; a no-op once current).
   */
  private pgConnection(max: number) {
    return {
      connectionString: this.config.databaseUrl,
      schema: this.config.queueSchema,
      migrate: true,
      max,
      idleTimeoutMillis: 10_000,
      // A producer on a request path fails fast instead of waiting on a pool that cannot connect.
      connectionTimeoutMillis: this.role === 'producer' ? 2_000 : 10_000,
      application_name: `liancheng-queue-${this.role}`,
    };
  }
}

/** BullMQ queues keyed by name, on the configured backend (DESIGN §12). */
export class QueueRegistry {
  readonly queues: Record<QueueName, Queue>;
  readonly backend: QueueBackend;

  constructor(readonly factory: QueueFactory) {
    this.backend = factory.backend;
    this.queues = Object.fromEntries(
      Object.values(QUEUES).map((name) => [
        name,
        factory.queue(name, { defaultJobOptions: { ...RETRY.default, ...RETENTION } }),
      ]),
    ) as Record<QueueName, Queue>;
  }

  /** The registry of a process: `producer` on request paths (API), `worker` in the worker. */
  static of(config: AppConfig, role: 'producer' | 'worker'): QueueRegistry {
    return new QueueRegistry(new QueueFactory(config, role));
  }

  queueFor(job: JobName): Queue {
    return this.queues[JOB_QUEUE[job]];
  }

  add<N extends JobName>(job: N, payload: JobPayloads[N], jobId: string) {
    return this.queueFor(job).add(job, payload, { jobId });
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
  }
}
