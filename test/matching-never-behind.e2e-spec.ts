import { ALGORITHM_VERSION } from '../libs/matching/engine';
import { seedDemo } from '../libs/demo/demo-seed';
import { algorithmRematchJobId } from '../libs/match-store/match-sweep';
import { startApp, TestApp } from './support/app';
import { makeUser, TestUser, uniq } from './support/factories';
import {
  OwnRedis,
  RunningWorker,
  ownQueuePrefix,
  scratchDatabase,
  startWorker,
} from './support/matching-worker';
import { waitFor } from './support/wait';

/**
 * Matching never leaves a lead behind (DESIGN §10, §12), end to end: the API and the real worker
 * (relay, job runner, the sweep's schedule) in-process, on a database of the suite's own and a
 * queue prefix (or a Redis server) of its own.
 */
jest.setTimeout(240_000);

type Db = Awaited<ReturnType<typeof scratchDatabase>>;

const SEGMENTS = ['nev.cathode', 'nev.battery-cell', 'nev.battery-pack', 'nev.vehicle', 'nev.e-drive'];

async function enterprises(db: Db): Promise<void> {
  await db.ds.query(
    `INSERT INTO enterprises (name, jurisdiction, segments, chain_leader)
     SELECT '企业' || g, CASE WHEN g % 2 = 0 THEN 'beibei' ELSE 'mianyang' END,
            ARRAY[($1::text[])[(g % 5) + 1]], g % 7 = 0
       FROM generate_series(0, 79) g`,
    [SEGMENTS],
  );
}

/** Counts of the given leads' match states as the API reports them. */
async function statuses(t: TestApp, user: TestUser, ids: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of ids) {
    const res = await t.http.get(`/api/v1/leads/${id}/matches`).set(user.auth);
    expect(res.status).toBe(200);
    out[res.body.status] = (out[res.body.status] ?? 0) + 1;
  }
  return out;
}

/** Leads whose stored matches are older than their matching inputs (what `pending` means). */
async function behind(db: Db, ids?: string[]): Promise<number> {
  const [row] = await db.ds.query(
    `SELECT count(*)::int AS n FROM leads l LEFT JOIN lead_match_state s ON s.lead_id = l.id
      WHERE COALESCE(s.matched_version, 0) < l.match_version AND ($1::uuid[] IS NULL OR l.id = ANY($1))`,
    [ids ?? null],
  );
  return row.n;
}

/**
 * What an officer does at the start of a deal: creates the lead, then at once moves it on and
 * writes its summary (two requests in flight together; a 412 on the edit is retried with the
 * version the server names, as the UI does).
 */
async function createThenEdit(t: TestApp, user: TestUser, i: number): Promise<string> {
  const created = await t.http
    .post('/api/v1/leads')
    .set(user.auth)
    .send({
      title: `并发项目 ${i} ${uniq()}`,
      investor: { name: `并发投资方${uniq()}有限公司` },
      segments: [SEGMENTS[i % SEGMENTS.length]],
      plannedInvestmentWan: 5000 + i,
    });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const edit = async (version: number): Promise<void> => {
    const res = await t.http
      .patch(`/api/v1/leads/${id}`)
      .set(user.auth)
      .set('If-Match', `"${version}"`)
      .send({ summary: `对方希望尽快考察 ${i}` });
    if (res.status === 412) return edit(res.body.currentVersion);
    expect(res.status).toBe(200);
  };
  const [stage] = await Promise.all([
    t.http.post(`/api/v1/leads/${id}/stage`).set(user.auth).send({ stage: 'contacted' }),
    edit(created.body.version),
  ]);
  expect(stage.status).toBe(200);
  return id;
}

describe('matching never leaves a lead behind', () => {
  describe('with Redis up', () => {
    let db: Db;
    let t: TestApp;
    let worker: RunningWorker;
    let officer: TestUser;
    const prefix = ownQueuePrefix();

    beforeAll(async () => {
      db = await scratchDatabase('behind');
      await enterprises(db);
      t = await startApp({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
      // A short sweep interval, so the schedule itself is exercised here.
      worker = await startWorker(db.url, { QUEUE_PREFIX: prefix, MATCH_SWEEP_MS: '2000' });
      officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    });

    afterAll(async () => {
      await worker?.stop();
      await t?.close();
      await db?.drop();
    });

    it('50 leads created and at once moved on and summarised in parallel are all matched', async () => {
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => createThenEdit(t, officer, i)));
      const [versions] = await db.ds.query(
        `SELECT min(version)::int AS min_version, max(match_version)::int AS max_match_version
           FROM leads WHERE id = ANY($1)`,
        [ids],
      );
      // Every lead changed three times, its matching inputs never.
      expect(versions).toEqual({ min_version: 3, max_match_version: 1 });
      await waitFor('50 leads matched', async () => (await behind(db, ids)) === 0, 120_000);
      expect(await statuses(t, officer, ids)).toEqual({ ready: 50 });
      const [withMatches] = await db.ds.query(
        `SELECT count(DISTINCT lead_id)::int AS n FROM matches WHERE lead_id = ANY($1)`,
        [ids],
      );
      expect(withMatches.n).toBe(50);
      // By construction, not by rescue: the sweep (running every 2 s meanwhile) found nothing.
      const [sweep] = await db.ds.query(`SELECT runs::int, found_total::int FROM matching_sweep`);
      expect(sweep.found_total).toBe(0);
    });

    it('a change of matching inputs shows pending until its job has run, then ready', async () => {
      const id = await createThenEdit(t, officer, 99);
      await waitFor('first match', async () => (await behind(db, [id])) === 0, 60_000);
      const [before] = await db.ds.query(`SELECT version FROM leads WHERE id = $1`, [id]);
      const res = await t.http
        .patch(`/api/v1/leads/${id}`)
        .set(officer.auth)
        .set('If-Match', `"${before.version}"`)
        .send({ segments: ['nev.battery-pack', 'nev.e-drive'] });
      expect(res.status).toBe(200);
      const [state] = await db.ds.query(
        `SELECT s.matched_version, s.queued_version, l.match_version FROM lead_match_state s
           JOIN leads l ON l.id = s.lead_id WHERE s.lead_id = $1`,
        [id],
      );
      expect(state).toEqual({ matched_version: 1, queued_version: 2, match_version: 2 });
      await waitFor('re-match', async () => (await behind(db, [id])) === 0, 60_000);
      const matches = await t.http.get(`/api/v1/leads/${id}/matches`).set(officer.auth).expect(200);
      expect(matches.body.status).toBe('ready');
      expect(matches.body.partners.length).toBeGreaterThan(0);
    });

    it('the sweep finds leads whose state was broken, queues them, and /metrics counts them', async () => {
      const ids = await Promise.all([0, 1, 2].map((i) => createThenEdit(t, officer, 200 + i)));
      await waitFor('three leads matched', async () => (await behind(db, ids)) === 0, 60_000);
      const [lostState, forgotten, lostJob] = ids;
      await db.ds.transaction(async (em) => {
        // The state row is gone.
        await em.query(`DELETE FROM lead_match_state WHERE lead_id = $1`, [lostState]);
        // The state claims nothing was ever computed; the job it names finished long ago.
        await em.query(
          `UPDATE lead_match_state SET matched_version = 0, queued_at = now() - interval '1 hour'
            WHERE lead_id = $1`,
          [forgotten],
        );
        // A change of segments whose job never reaches the queue (outbox row lost).
        await em.query(`UPDATE leads SET segments = '{nev.vehicle}' WHERE id = $1`, [lostJob]);
        await em.query(
          `DELETE FROM outbox WHERE kind = 'match-lead' AND payload->>'leadId' = $1 AND relayed_at IS NULL`,
          [lostJob],
        );
        await em.query(
          `UPDATE lead_match_state SET queued_at = now() - interval '1 hour' WHERE lead_id = $1`,
          [lostJob],
        );
      });
      expect(await statuses(t, officer, ids)).toEqual({ pending: 3 });
      // The scheduled sweep (every 2 s here) finds and queues all three; their jobs run.
      await waitFor('the sweep to rescue three leads', async () => (await behind(db, ids)) === 0, 60_000);
      expect(await statuses(t, officer, ids)).toEqual({ ready: 3 });
      const [sweep] = await db.ds.query(`SELECT found_total::int, runs::int FROM matching_sweep`);
      expect(sweep.found_total).toBe(3);
      expect(sweep.runs).toBeGreaterThan(0);
      // Idempotent: run again, nothing is found, nothing is queued.
      const outboxBefore = await db.ds.query(`SELECT count(*)::int AS n FROM outbox`);
      expect(await worker.sweep.run()).toEqual({ found: 0, behind: 0, rematchQueued: false });
      expect(await db.ds.query(`SELECT count(*)::int AS n FROM outbox`)).toEqual(outboxBefore);
      const metrics = await t.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/^liancheng_match_sweep_found_total 3$/m);
      expect(metrics.text).toMatch(/^liancheng_match_sweep_last_found 0$/m);
      expect(metrics.text).toMatch(/^liancheng_match_pending_leads 0$/m);
    });
    it('a new matching algorithm re-matches every open lead once, by itself, keeping decisions', async () => {
      const ids = await Promise.all([0, 1].map((i) => createThenEdit(t, officer, 300 + i)));
      await waitFor('two leads matched', async () => (await behind(db, ids)) === 0, 60_000);
      const [accepted] = await db.ds.query(
        `SELECT id FROM matches WHERE lead_id = $1 AND status = 'proposed' ORDER BY score DESC LIMIT 1`,
        [ids[0]],
      );
      await db.ds.query(`UPDATE matches SET status = 'accepted' WHERE id = $1`, [accepted.id]);
      // As a database looks after an upgrade: every stored match computed by the previous algorithm.
      await db.ds.query(`UPDATE lead_match_state SET algorithm_version = 'chain-previous'`);
      await db.ds.query(`UPDATE matching_sweep SET algorithm_version = 'chain-previous'`);
      // This run or the scheduled one (every 2 s here) queues the re-match, keyed by the version.
      await worker.sweep.run();
      const queuedRematch = await db.ds.query(`SELECT kind FROM outbox WHERE dedupe_key = $1`, [
        algorithmRematchJobId(ALGORITHM_VERSION),
      ]);
      expect(queuedRematch).toEqual([{ kind: 'rematch-all' }]);
      await waitFor(
        'every open lead re-matched by the current algorithm',
        async () => {
          const [n] = await db.ds.query(
            `SELECT count(*)::int AS n FROM lead_match_state s JOIN leads l ON l.id = s.lead_id
              WHERE l.stage <> 'lost' AND s.algorithm_version IS DISTINCT FROM $1`,
            [ALGORITHM_VERSION],
          );
          return n.n === 0;
        },
        60_000,
      );
      const [kept] = await db.ds.query(`SELECT status, algorithm_version FROM matches WHERE id = $1`, [
        accepted.id,
      ]);
      expect(kept).toEqual({ status: 'accepted', algorithm_version: ALGORITHM_VERSION });
      // Once per version: the next runs queue nothing, even with an outdated state left behind.
      await db.ds.query(
        `UPDATE lead_match_state SET algorithm_version = 'chain-previous' WHERE lead_id = $1`,
        [ids[1]],
      );
      const outboxBefore = await db.ds.query(`SELECT count(*)::int AS n FROM outbox`);
      expect(await worker.sweep.run()).toMatchObject({ rematchQueued: false });
      expect(await db.ds.query(`SELECT count(*)::int AS n FROM outbox`)).toEqual(outboxBefore);
      expect(await statuses(t, officer, ids)).toEqual({ ready: 2 });
    });
  });

  describe('with Redis stopped while leads are written', () => {
    let db: Db;
    let t: TestApp;
    let redis: OwnRedis;
    let worker: RunningWorker;
    let officer: TestUser;

    beforeAll(async () => {
      db = await scratchDatabase('behind_down');
      await enterprises(db);
      redis = await OwnRedis.create();
      await redis.start();
      t = await startApp({ DATABASE_URL: db.url, REDIS_URL: redis.url });
      worker = await startWorker(db.url, { REDIS_URL: redis.url });
      officer = await makeUser(t.ds, t.http, 'mianyang', 'officer'); // signs in while Redis is up
    });

    afterAll(async () => {
      await worker?.stop();
      await t?.close();
      await redis?.stop();
      await db?.drop();
    });

    it('every write succeeds, and every lead is ready once Redis is back', async () => {
      await redis.stop();
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => createThenEdit(t, officer, i)));
      expect(await behind(db, ids)).toBe(50);
      expect(await statuses(t, officer, ids)).toEqual({ pending: 50 });
      await redis.start();
      await waitFor(
        '50 leads matched after Redis returned',
        async () => (await behind(db, ids)) === 0,
        150_000,
      );
      expect(await statuses(t, officer, ids)).toEqual({ ready: 50 });
    });
  });

  describe('a demo seed', () => {
    let db: Db;
    let worker: RunningWorker | null = null;
    const prefix = ownQueuePrefix();

    afterAll(async () => {
      await worker?.stop();
      await db?.drop();
    });

    it('ends with every lead ready, also when re-seeded into a new database under the same Redis', async () => {
      // The same queue prefix for both databases: the second seed's leads have the same ids as the
      // first's, whose finished jobs BullMQ still keeps.
      for (const round of [1, 2]) {
        db = await scratchDatabase(`behind_demo${round}`);
        worker = await startWorker(db.url, { QUEUE_PREFIX: prefix });
        const result = await seedDemo(db.ds, { password: 'demo-pass-e2e' });
        expect(result.leads.created).toBeGreaterThanOrEqual(100);
        await waitFor(`demo leads matched (round ${round})`, async () => (await behind(db)) === 0, 120_000);
        // Every open lead has matches computed; a lead seeded as lost keeps the (no) matches it had
        // when it was lost (DESIGN §6), and is settled rather than pending (\`behind\` above).
        const [states] = await db.ds.query(
          `SELECT count(*) FILTER (WHERE l.stage <> 'lost')::int AS open,
                  count(s.lead_id) FILTER (WHERE l.stage <> 'lost' AND s.computed_at IS NOT NULL)::int AS computed
             FROM leads l LEFT JOIN lead_match_state s ON s.lead_id = l.id`,
        );
        expect(states.open).toBeGreaterThanOrEqual(90);
        expect(states.computed).toBe(states.open);
        if (round === 1) {
          // Stop without removing the queue's finished jobs (a restart, not a clean-up).
          await worker.kill();
          await db.drop();
        }
      }
    });
  });
});
