import { Queue } from 'bullmq';
import { bullConnection } from './redis';
import { JOB_QUEUE, JobName, JobPayloads, QUEUES, QueueName, RETENTION, RETRY } from '../jobs/jobs';

export const QUEUE_REGISTRY = Symbol('QUEUE_REGISTRY');

/** BullMQ queues keyed by name; keys carry the `{lc}` hash tag (DESIGN §12). */
export class QueueRegistry {
  readonly queues: Record<QueueName, Queue>;

  constructor(redisUrl: string, prefix: string, role: 'producer' | 'worker') {
    const connection = bullConnection(redisUrl, role);
    this.queues = Object.fromEntries(
      Object.values(QUEUES).map((name) => {
        const q = new Queue(name, {
          connection,
          prefix,
          defaultJobOptions: { ...RETRY.default, ...RETENTION },
        });
        q.on('error', () => undefined);
        return [name, q];
      }),
    ) as Record<QueueName, Queue>;
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
