import { waitFor } from './wait';
import { NestFactory } from '@nestjs/core';
import { ChildProcess, spawn } from 'child_process';
import { Server, createServer } from 'net';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { JobRunner } from '../../apps/worker/src/job-runner';
import { OutboxRelay } from '../../apps/worker/src/outbox-relay';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { loadConfig } from '../../libs/config/config';
import { dataSourceOptions, dropDatabase } from '../../libs/db/database';
import { MatchSweep } from '../../libs/match-store/match-sweep';
import { QUEUE_REGISTRY, QueueRegistry } from '../../libs/platform/queues';
import { migratedDatabase } from './databases';
import { uniq } from './factories';

/**
 * The real worker in-process for suites that need matching to run end to end (DESIGN §12), with
 * what keeps it from touching anyone else's work: a database of its own (the run's shared e2e
 * database holds other suites' outbox rows, which this relay would take) and a queue prefix of
 * its own, or a Redis server of its own on a free loopback port when the test stops Redis.
 */

/** A database of the suite's own next to the run's e2e database, migrated; dropped by `drop`. */
export async function scratchDatabase(
  tag: string,
): Promise<{ url: string; ds: DataSource; drop(): Promise<void> }> {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/liancheng_${tag}_${Date.now()}_${process.pid}`;
  const url = u.toString();
  await migratedDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, { extra: { max: 4 } }));
  await ds.initialize();
  return {
    url,
    ds,
    async drop() {
      await ds.destroy().catch(() => undefined);
      await dropDatabase(url);
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A loopback port that stands in for Redis and counts who connects to it (and hangs up on them):
 * with QUEUE_BACKEND=postgres, REDIS_URL pointing here shows that nothing opens a Redis connection.
 */
export class RedisTrap {
  connections = 0;
  private constructor(private readonly server: Server) {}

  static async create(): Promise<RedisTrap> {
    const server = createServer();
    const trap = new RedisTrap(server);
    server.on('connection', (socket) => {
      trap.connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return trap;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A redis-server of the test's own (loopback, a free port), to stop and start at will. */
export class OwnRedis {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async create(): Promise<OwnRedis> {
    return new OwnRedis(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new IORedis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    await waitFor(
      'redis',
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      },
      10_000,
    );
    probe.disconnect();
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
}

export interface RunningWorker {
  sweep: MatchSweep;
  queues: QueueRegistry;
  stop(): Promise<void>;
  /** A crash: workers closed without waiting, database connections cut mid-transaction. */
  kill(): Promise<void>;
}

/** The worker (JobRunner + OutboxRelay + the sweep's schedule) on `databaseUrl`. */
export async function startWorker(
  databaseUrl: string,
  env: {
    REDIS_URL?: string;
    QUEUE_PREFIX?: string;
    QUEUE_BACKEND?: string;
    MATCH_SWEEP_MS?: string;
    JOB_LOCK_MS?: string;
  } & Record<string, string> = {},
): Promise<RunningWorker> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    WORKER_CONCURRENCY: '8',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  const runner = app.get(JobRunner);
  runner.start();
  const queues = app.get<QueueRegistry>(QUEUE_REGISTRY);
  const relay = app.get(OutboxRelay);
  relay.start(queues);
  return {
    sweep: app.get(MatchSweep),
    queues,
    async stop() {
      await relay.stop();
      await runner.stop();
      // A prefix of the suite's own leaves nothing behind in the shared Redis (schedulers included).
      if (env.QUEUE_PREFIX && queues.backend === 'redis') await obliterate(queues);
      await app.close();
    },
    async kill() {
      const workers = (runner as unknown as { workers: { close(force: boolean): Promise<void> }[] }).workers;
      await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
      void relay.stop().catch(() => undefined);
      await app
        .get(DataSource)
        .destroy()
        .catch(() => undefined);
      await app.close().catch(() => undefined);
    },
  };
}

/** A queue prefix of the suite's own on the shared Redis (with the hash tag, DESIGN §12). */
export const ownQueuePrefix = () => `{lc-${uniq('m')}}`;

/** Removes everything a suite queued under its own prefix. */
export async function obliterate(queues: QueueRegistry): Promise<void> {
  for (const q of Object.values(queues.queues)) await q.obliterate({ force: true }).catch(() => undefined);
}
