import { PostgresQueueBackend } from 'bullmq';
import { loadConfig } from '../config/config';
import { QueueFactory, QueueRegistry } from './queues';

describe('QueueFactory on the postgres backend', () => {
  // Nothing listens on port 1: the pools are built lazily and never reach a server here.
  const config = loadConfig({
    QUEUE_BACKEND: 'postgres',
    QUEUE_SCHEMA: 'lc_queue_unit',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/liancheng_unit',
  });

  it('builds every queue of the registry on BullMQ’s PostgreSQL backend, in QUEUE_SCHEMA', async () => {
    const registry = QueueRegistry.of(config, 'producer');
    try {
      expect(registry.backend).toBe('postgres');
      for (const q of Object.values(registry.queues)) {
        const backend = q.getBackend() as unknown as PostgresQueueBackend;
        expect(backend).toBeInstanceOf(PostgresQueueBackend);
        expect(backend.connection.schema).toBe('lc_queue_unit');
      }
      expect(registry.queueFor('match-lead').name).toBe('matching');
    } finally {
      await registry.close().catch(() => undefined);
    }
  });

  it('gives a worker a pool of its own sized by its concurrency, at most ten', async () => {
    const factory = new QueueFactory(config, 'worker');
    const sizes: number[] = [];
    for (const concurrency of [1, 8, 48]) {
      const w = factory.worker('matching', async () => undefined, { concurrency, autorun: false });
      w.on('error', () => undefined);
      const backend = w.getBackend() as unknown as PostgresQueueBackend;
      expect(backend).toBeInstanceOf(PostgresQueueBackend);
      sizes.push((backend.connection.pool as unknown as { options: { max: number } }).options.max);
      await w.close().catch(() => undefined);
    }
    expect(sizes).toEqual([3, 10, 10]);
  });
});
