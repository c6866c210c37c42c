import { DataSource } from 'typeorm';
import { OwnRedis, RedisTrap, RunningWorker, scratchDatabase, startWorker } from './support/matching-worker';
import { sleep, waitFor } from './support/wait';

/**
 * DESIGN §12 end to end on both queue backends (QUEUE_BACKEND): on Redis, a Redis of the test's
 * own (loopback, own port); on PostgreSQL, BullMQ's PostgreSQL backend in the suite's database,
 * with REDIS_URL pointing at a port that counts connections (none may come). The real worker
 * (OutboxRelay + JobRunner) runs in-process, on a database of its own so no other suite's outbox
 * rows are relayed here.
 */
jest.setTimeout(120_000);

const NEV = [
  'nev.cathode',
  'nev.battery-cell',
  'nev.battery-pack',
  'nev.vehicle',
  'nev.e-drive',
  'nev.separator',
];

async function createLeads(ds: DataSource, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    // Any insert queues the lead's match job through the outbox in its own transaction (trigger).
    const segments = [NEV[i % NEV.length]];
    const [row] = await ds.query(
      `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, stage, jurisdiction)
       VALUES ($1, $1, $1, $2, '{nev}', 'lead', $3) RETURNING id`,
      [`${tag}-${i}`, segments, i % 2 ? 'beibei' : 'mianyang'],
    );
    ids.push(row.id);
  }
  return ids;
}

const matchedCount = async (ds: DataSource, ids: string[]) =>
  (
    await ds.query(
      `SELECT count(*)::int AS n FROM lead_match_state s JOIN leads l ON l.id = s.lead_id
        WHERE s.lead_id = ANY($1) AND s.matched_version = l.match_version`,
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

type Backend = 'redis' | 'postgres';

describe.each<Backend>(['redis', 'postgres'])(
  'matching reliability on the %s queue backend (DESIGN §12)',
  (backend) => {
    let db: Awaited<ReturnType<typeof scratchDatabase>>;
    let ds: DataSource;
    let redis: OwnRedis | null = null;
    let trap: RedisTrap | null = null;
    let worker: RunningWorker | null = null;
    const start = (env: { MATCH_SWEEP_MS?: string } = {}) =>
      // A killed worker's jobs come back after about twice JOB_LOCK_MS (lock expiry + stalled check).
      startWorker(db.url, {
        QUEUE_BACKEND: backend,
        REDIS_URL: (redis ?? trap)!.url,
        JOB_LOCK_MS: '5000',
        ...env,
      });

    beforeAll(async () => {
      db = await scratchDatabase(`reliability_${backend}`);
      ds = db.ds;
      if (backend === 'redis') redis = await OwnRedis.create();
      else trap = await RedisTrap.create();
      await ds.query(
        `INSERT INTO enterprises (name, jurisdiction, segments, chain_leader)
       SELECT 'E' || g, CASE WHEN g % 2 = 0 THEN 'beibei' ELSE 'mianyang' END, ARRAY[($1::text[])[(g % 6) + 1]], g % 5 = 0
         FROM generate_series(0, 59) g`,
        [NEV],
      );
    });

    afterAll(async () => {
      await worker?.stop().catch(() => undefined);
      await redis?.stop();
      if (trap) {
        // On PostgreSQL nothing opened a Redis connection, in any test.
        expect(trap.connections).toBe(0);
        await trap.close();
      }
      await db.drop();
    });

    const storeDown =
      backend === 'redis'
        ? 'Redis down: 200 lead writes succeed; once Redis is back every lead is matched exactly once'
        : 'no worker: 200 lead writes succeed and wait; once a worker runs every lead is matched exactly once';
    it(storeDown, async () => {
      // Redis: the worker's relay retries with back-off while Redis is down. PostgreSQL: the queue
      // is the database, it cannot be down alone; the writes wait in the outbox for a worker.
      if (backend === 'redis') worker = await start();
      const ids = await createLeads(ds, 200, 'down');
      expect(ids).toHaveLength(200);
      const [{ n: pending }] = await ds.query(
        `SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`,
      );
      expect(pending).toBeGreaterThanOrEqual(200);
      expect(await matchedCount(ds, ids)).toBe(0);

      if (backend === 'redis') await redis!.start();
      else worker = await start();
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

      worker = await start();
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

    it('the sweep runs on its job scheduler (a repeatable job kept by the backend)', async () => {
      await worker?.stop();
      worker = await start({ MATCH_SWEEP_MS: '1000' });
      const runs = async () =>
        (await ds.query(`SELECT runs FROM matching_sweep WHERE id = 1`))[0].runs as number;
      const before = await runs();
      await waitFor('three sweeps', async () => (await runs()) >= before + 3, 30_000);
      const schedulers = await worker.queues.queueFor('match-sweep').getJobSchedulers();
      // The maintenance queue also keeps the daily notification job's schedule.
      const sweeps = schedulers.filter((x) => x.key === 'match-sweep');
      expect(sweeps.map((x) => [x.key, x.every])).toEqual([['match-sweep', 1000]]);
    });
  },
);
