import { NestFactory } from '@nestjs/core';
import { ChildProcess, spawn } from 'child_process';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { JobRunner } from '../apps/worker/src/job-runner';
import { OutboxRelay } from '../apps/worker/src/outbox-relay';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { loadConfig } from '../libs/config/config';
import { dataSourceOptions, dropDatabase } from '../libs/db/database';
import { prepareDatabase } from '../libs/db/prepare';
import { QueueRegistry } from '../libs/platform/queues';

/**
 * DESIGN §12 end to end, with a Redis of the test's own (loopback, own port) and the real worker
 * (OutboxRelay + JobRunner) in-process, on a database of its own so no other suite's outbox rows
 * are relayed here.
 */
jest.setTimeout(120_000);

const PORT = 6390;
const REDIS_URL = `redis://127.0.0.1:${PORT}`;
const NEV = [
  'nev.cathode',
  'nev.battery-cell',
  'nev.battery-pack',
  'nev.vehicle',
  'nev.e-drive',
  'nev.separator',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

let redis: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new IORedis(REDIS_URL, {
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

async function stopRedis(): Promise<void> {
  const p = redis;
  redis = null;
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

interface RunningWorker {
  stop(): Promise<void>;
  kill(): Promise<void>;
}

async function startWorker(databaseUrl: string): Promise<RunningWorker> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    WORKER_CONCURRENCY: '8',
    // A killed worker's jobs come back after about twice this (lock expiry + stalled check).
    JOB_LOCK_MS: '5000',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  const runner = app.get(JobRunner);
  runner.start();
  const queues = new QueueRegistry(config.redisUrl, config.queuePrefix, 'worker');
  const relay = app.get(OutboxRelay);
  relay.start(queues);
  return {
    async stop() {
      await relay.stop();
      await runner.stop();
      await queues.close();
      await app.close();
    },
    /** A crash: workers closed without waiting, database connections cut mid-transaction. */
    async kill() {
      const workers = (runner as unknown as { workers: { close(force: boolean): Promise<void> }[] }).workers;
      await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
      void relay.stop().catch(() => undefined);
      await app
        .get(DataSource)
        .destroy()
        .catch(() => undefined);
      await queues.close().catch(() => undefined);
      await app.close().catch(() => undefined);
    },
  };
}

async function createLeads(ds: DataSource, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    // As the lead service does: the lead and its match job's outbox row in one transaction.
    const id = await ds.transaction(async (em) => {
      const segments = [NEV[i % NEV.length]];
      const [row] = await em.query(
        `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, stage, jurisdiction)
         VALUES ($1, $1, $1, $2, '{nev}', 'lead', $3) RETURNING id, version`,
        [`${tag}-${i}`, segments, i % 2 ? 'beibei' : 'mianyang'],
      );
      await em.query(`INSERT INTO outbox (kind, dedupe_key, payload) VALUES ('match-lead', $1, $2)`, [
        `match-lead:${row.id}:v${row.version}`,
        { leadId: row.id, version: row.version },
      ]);
      return row.id as string;
    });
    ids.push(id);
  }
  return ids;
}

const matchedCount = async (ds: DataSource, ids: string[]) =>
  (
    await ds.query(
      `SELECT count(*)::int AS n FROM lead_match_state s JOIN leads l ON l.id = s.lead_id
        WHERE s.lead_id = ANY($1) AND s.matched_version = l.version`,
      [ids],
    )
  )[0].n as number;

async function assertMatchedExactlyOnce(ds: DataSource, ids: string[]): Promise<void> {
  expect(await matchedCount(ds, ids)).toBe(ids.length);
  const [dupes] = await ds.query(
    `SELECT count(*)::int AS n FROM (
       SELECT lead_id, COALESCE(enterprise_id, park_id) FROM matches WHERE lead_id = ANY($1)
        GROUP BY 1, 2 HAVING count(*) > 1) d`,
    [ids],
  );
  expect(dupes.n).toBe(0);
  // Every proposal announced exactly once, however often a job ran.
  const [events] = await ds.query(
    `SELECT count(*)::int AS total, count(DISTINCT entity_id)::int AS distinct_matches
       FROM domain_events WHERE type = 'match.proposed' AND (detail->>'leadId')::uuid = ANY($1)`,
    [ids],
  );
  expect(events.total).toBe(events.distinct_matches);
  const [rows] = await ds.query(`SELECT count(*)::int AS n FROM matches WHERE lead_id = ANY($1)`, [ids]);
  expect(rows.n).toBe(events.total);
  const withMatches = await ds.query(`SELECT DISTINCT lead_id FROM matches WHERE lead_id = ANY($1)`, [ids]);
  expect(withMatches.length).toBe(ids.length);
}

describe('matching reliability with a real Redis (DESIGN §12)', () => {
  const databaseUrl = (() => {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/liancheng_reliability_${Date.now()}_${process.pid}`;
    return u.toString();
  })();
  let ds: DataSource;
  let worker: RunningWorker | null = null;

  beforeAll(async () => {
    await prepareDatabase(databaseUrl);
    ds = new DataSource(dataSourceOptions(databaseUrl, { extra: { max: 4 } }));
    await ds.initialize();
    await ds.query(
      `INSERT INTO enterprises (name, jurisdiction, segments, chain_leader)
       SELECT 'E' || g, CASE WHEN g % 2 = 0 THEN 'beibei' ELSE 'mianyang' END, ARRAY[($1::text[])[(g % 6) + 1]], g % 5 = 0
         FROM generate_series(0, 59) g`,
      [NEV],
    );
  });

  afterAll(async () => {
    await worker?.stop().catch(() => undefined);
    await stopRedis();
    await ds?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('Redis down: 200 lead writes succeed; once Redis is back every lead is matched exactly once', async () => {
    worker = await startWorker(databaseUrl); // its relay retries with back-off while Redis is down
    const ids = await createLeads(ds, 200, 'down');
    expect(ids).toHaveLength(200);
    const [{ n: pending }] = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`);
    expect(pending).toBeGreaterThanOrEqual(200);
    expect(await matchedCount(ds, ids)).toBe(0);

    await startRedis();
    await waitFor('200 leads matched', async () => (await matchedCount(ds, ids)) === 200, 60_000);
    await assertMatchedExactlyOnce(ds, ids);
  });

  it('a worker killed during a batch leaves nothing half-done; after restart every lead is matched exactly once', async () => {
    const ids = await createLeads(ds, 300, 'kill');
    await waitFor('the batch to start', async () => (await matchedCount(ds, ids)) > 0, 30_000);
    await worker!.kill();
    worker = null;
    // A killed transaction leaves no trace: every lead with match rows has its match state.
    const [half] = await ds.query(
      `SELECT count(DISTINCT m.lead_id)::int AS n FROM matches m
        LEFT JOIN lead_match_state s ON s.lead_id = m.lead_id
       WHERE m.lead_id = ANY($1) AND s.lead_id IS NULL`,
      [ids],
    );
    expect(half.n).toBe(0);

    worker = await startWorker(databaseUrl);
    // Jobs the dead worker held come back once their lock expires (BullMQ stalled-job check,
    // about 10 s with JOB_LOCK_MS=5000).
    await waitFor('300 leads matched', async () => (await matchedCount(ds, ids)) === 300, 90_000);
    await assertMatchedExactlyOnce(ds, ids);
  });

  it('running the same job twice leaves the same rows', async () => {
    const [lead] = await ds.query(`SELECT id, version FROM leads ORDER BY id LIMIT 1`);
    const snapshot = () =>
      ds.query(`SELECT id, status, score, rank, version FROM matches WHERE lead_id = $1 ORDER BY id`, [
        lead.id,
      ]);
    const before = await snapshot();
    await ds.query(`INSERT INTO outbox (kind, dedupe_key, payload) VALUES ('match-lead', $1, $2)`, [
      `match-lead:${lead.id}:v${lead.version}-again`,
      { leadId: lead.id, version: lead.version },
    ]);
    await waitFor(
      'the outbox to drain',
      async () =>
        (
          await ds.query(
            `SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL AND kind = 'match-lead'`,
          )
        )[0].n === 0,
      30_000,
    );
    await sleep(1_500); // the relay's debounce delay plus the job itself
    expect(await snapshot()).toEqual(before);
  });
});
