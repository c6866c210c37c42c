import { randomBytes } from 'crypto';
import type { Job } from 'bullmq';
import type { AppConfig, QueueBackend } from '../../libs/config/config';
import { QUEUES } from '../../libs/jobs/jobs';
import { QueueFactory } from '../../libs/platform/queues';
import type { MatchingService } from '../../libs/match-store/matching.service';

/**
 * The full re-match through the job queue on each backend (QUEUE_BACKEND): one `match-lead` job per
 * lead, added in bulk and worked by one Worker at the worker's configured concurrency, timed from
 * the first add until the last job completed. The matching work is the same on both backends (the
 * leads are already matched: steady state), so the difference is the queue's own cost.
 */
export interface QueueRun {
  backend: QueueBackend;
  seconds: number;
  leadsPerSecond: number;
  failed: number;
}

const ADD_CHUNK = 1_000;

async function runOnce(
  factory: QueueFactory,
  matching: MatchingService,
  leads: { id: string; version: number }[],
  concurrency: number,
  tag: string,
): Promise<QueueRun> {
  const queue = factory.queue(QUEUES.matching, {
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
  });
  await queue.waitUntilReady();
  let completed = 0;
  let failed = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const settle = () => {
    if (completed + failed === leads.length) finish();
  };
  const worker = factory.worker(
    QUEUES.matching,
    (job: Job) => matching.matchLeadJob(job.data as { leadId: string; version: number }),
    { concurrency, autorun: false },
  );
  worker.on('completed', () => {
    completed++;
    settle();
  });
  worker.on('failed', () => {
    failed++;
    settle();
  });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  const start = performance.now();
  void worker.run();
  for (let i = 0; i < leads.length; i += ADD_CHUNK) {
    await queue.addBulk(
      leads.slice(i, i + ADD_CHUNK).map((l) => ({
        name: 'match-lead',
        data: { leadId: l.id, version: l.version },
        opts: { jobId: `bench-${tag}-${l.id}` },
      })),
    );
  }
  await done;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return { backend: factory.backend, seconds, leadsPerSecond: leads.length / seconds, failed };
}

/**
 * `runs` full re-matches per backend, alternating the backends so the machine's load drifts over
 * both alike. Redis keys go under a prefix of this run's own (removed after each run); PostgreSQL
 * tables under a schema of the bench database's own.
 */
export async function benchQueueBackends(
  config: AppConfig,
  matching: MatchingService,
  leads: { id: string; version: number }[],
  runs: number,
  /**
   * After each run, on either backend (the bench server runs without autovacuum: do its work on
   * the matching tables, and on PostgreSQL on the queue's schema too).
   */
  afterRun: (backend: QueueBackend, schema: string) => Promise<void>,
): Promise<Record<QueueBackend, QueueRun[]>> {
  const schema = 'lc_queue_bench';
  const prefix = `{lc-bench-${randomBytes(4).toString('hex')}}`;
  const factories: Record<QueueBackend, QueueFactory> = {
    redis: new QueueFactory({ ...config, queueBackend: 'redis', queuePrefix: prefix }, 'worker'),
    postgres: new QueueFactory(
      { ...config, queueBackend: 'postgres', queueSchema: 'lc_queue_bench' },
      'worker',
    ),
  };
  const out: Record<QueueBackend, QueueRun[]> = { redis: [], postgres: [] };
  for (let run = 0; run < runs; run++) {
    const order: QueueBackend[] = run % 2 ? ['postgres', 'redis'] : ['redis', 'postgres'];
    for (const backend of order) {
      out[backend].push(
        await runOnce(factories[backend], matching, leads, config.workerConcurrency, `${backend}-${run}`),
      );
      await afterRun(backend, schema);
    }
  }
  return out;
}
