import { sqlRows } from '../db/sql';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { QueueBackend } from '../config/config';
import { QUEUE_REGISTRY, QueueRegistry } from './queues';
import { REDIS, evictionPolicy } from './redis';

export interface DependencyCheck {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}
export interface HealthReport {
  status: 'ok' | 'down';
  /** Where the job queues live (QUEUE_BACKEND). */
  queueBackend: QueueBackend;
  checks: {
    database: DependencyCheck;
    /** Only when the queues run on Redis: on PostgreSQL no Redis is used at all. */
    redis?: DependencyCheck & { maxmemoryPolicy?: string | null };
    queue: DependencyCheck;
  };
  warnings: string[];
  failing: string[];
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms).unref()),
  ]);

async function timed(work: () => Promise<unknown>): Promise<DependencyCheck> {
  const start = performance.now();
  try {
    await within(work(), 2_000);
    return { status: 'up', latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  } catch (e) {
    return { status: 'down', error: (e as Error).message };
  }
}

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Optional() @Inject(QUEUE_REGISTRY) private readonly queues?: QueueRegistry,
  ) {}

  async check(): Promise<HealthReport> {
    const client = this.redis;
    if (!client) return this.checkOnPostgres();
    const [database, redis] = await Promise.all([
      timed(() => sqlRows(this.ds, 'SELECT 1')),
      timed(() => client.ping()),
    ]);
    const warnings: string[] = [];
    let policy: string | null = null;
    if (redis.status === 'up') {
      policy = await evictionPolicy(client);
      if (policy && policy !== 'noeviction') {
        warnings.push(
          `Redis maxmemory-policy is "${policy}"; it must be "noeviction" or queued jobs may be lost`,
        );
      }
    }
    // The queue lives in Redis: it is up exactly when Redis answers.
    const queue: DependencyCheck =
      redis.status === 'up' ? { status: 'up' } : { status: 'down', error: 'Redis is down' };
    const failing = [
      database.status === 'down' && 'database',
      redis.status === 'down' && 'redis',
      queue.status === 'down' && 'queue',
    ].filter((x): x is string => !!x);
    return {
      status: failing.length ? 'down' : 'ok',
      queueBackend: 'redis',
      checks: { database, redis: { ...redis, maxmemoryPolicy: policy }, queue },
      warnings,
      failing,
    };
  }

  /**
   * The queues live in the database (QUEUE_BACKEND=postgres): the queue is up when its tables
   * answer (a count of waiting jobs through BullMQ's PostgreSQL backend).
   */
  private async checkOnPostgres(): Promise<HealthReport> {
    const queues = this.queues;
    const [database, queue] = await Promise.all([
      timed(() => sqlRows(this.ds, 'SELECT 1')),
      queues
        ? timed(() => Object.values(queues.queues)[0].getJobCounts('waiting'))
        : Promise.resolve<DependencyCheck>({ status: 'up' }),
    ]);
    const failing = [database.status === 'down' && 'database', queue.status === 'down' && 'queue'].filter(
      (x): x is string => !!x,
    );
    return {
      status: failing.length ? 'down' : 'ok',
      queueBackend: 'postgres',
      checks: { database, queue },
      warnings: [],
      failing,
    };
  }
}
