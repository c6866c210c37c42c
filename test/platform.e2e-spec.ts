import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase } from '../libs/db/database';
import { prepareDatabase } from '../libs/platform/prepare-database';
import { loadReferenceData } from '../libs/taxonomy/reference-seed';
import { REFERENCE_DATA, ReferenceData } from '../libs/taxonomy/taxonomy';
import { startApp } from './support/app';
import { TEST_PASSWORD, makeUser, uniq } from './support/factories';
import { RedisTrap } from './support/matching-worker';

describe('/health with Redis unreachable', () => {
  it('answers 503 and names redis and the queue', async () => {
    // Nothing listens on this loopback port: Redis is "down" for this app instance.
    const t = await startApp({ REDIS_URL: 'redis://127.0.0.1:6399' });
    try {
      const res = await t.http.get('/health').expect(503);
      expect(res.body.status).toBe('down');
      expect(res.body.failing).toEqual(expect.arrayContaining(['redis', 'queue']));
      expect(res.body.failing).not.toContain('database');
      expect(res.body.checks.database.status).toBe('up');
    } finally {
      await t.close();
    }
  });
});

describe('the API with its queues on PostgreSQL (QUEUE_BACKEND=postgres)', () => {
  it('health, metrics, the queue board and re-match status work, and nothing connects to Redis', async () => {
    // REDIS_URL points at a port that counts connections; a queue schema of its own (it pauses a queue).
    const trap = await RedisTrap.create();
    const operatorName = uniq('ops.');
    const t = await startApp({
      QUEUE_BACKEND: 'postgres',
      QUEUE_SCHEMA: uniq('lc_queue_'),
      REDIS_URL: trap.url,
      OPERATORS: operatorName,
    });
    try {
      const health = await t.http.get('/health').expect(200);
      expect(health.body).toMatchObject({
        status: 'ok',
        queueBackend: 'postgres',
        checks: { database: { status: 'up' }, queue: { status: 'up' } },
        failing: [],
      });
      expect(health.body.checks.redis).toBeUndefined();

      const metrics = await t.http.get('/metrics').expect(200);
      expect(metrics.text).toContain('liancheng_queue_backend{backend="postgres"} 1');
      expect(metrics.text).not.toContain('liancheng_queue_backend{backend="redis"}');
      expect(metrics.text).toMatch(/liancheng_queue_jobs\{queue="matching",state="waiting"\} \d+/);

      const operator = await makeUser(t.ds, t.http, 'beibei', 'admin', { login: false });
      await t.ds.query(`UPDATE users SET username = $2 WHERE id = $1`, [operator.id, operatorName]);
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ username: operatorName, password: TEST_PASSWORD })
        .expect(200);
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };

      // The queue board reads and acts on the PostgreSQL backend as on Redis.
      await t.http.get('/admin/queues').set(auth).expect(200);
      const board = await t.http.get('/admin/queues/api/queues').set(auth).expect(200);
      const names = board.body.queues.map((q: { name: string }) => q.name);
      expect(names).toEqual(expect.arrayContaining(['matching', 'webhooks', 'maintenance']));
      await t.http.put('/admin/queues/api/queues/matching/pause').set(auth).send({}).expect(200);
      const paused = await t.http.get('/admin/queues/api/queues').set(auth).expect(200);
      expect(paused.body.queues.find((q: { name: string }) => q.name === 'matching').isPaused).toBe(true);
      await t.http.put('/admin/queues/api/queues/matching/resume').set(auth).send({}).expect(200);

      // A re-match waits in the outbox (no worker here); its status reads the queue and the outbox.
      const run = await t.http.post('/api/v1/matching/rematch').set(auth).send({}).expect(202);
      const status = await t.http
        .get(`/api/v1/matching/rematch/${encodeURIComponent(run.body.jobId)}`)
        .set(auth)
        .expect(200);
      expect(status.body.state).toBe('queued');

      expect(trap.connections).toBe(0);
    } finally {
      await t.close();
      await trap.close();
    }
  });
});

describe('reference seed', () => {
  // A database of its own: this suite rewrites reference data that other suites rely on.
  const url = `${process.env.DATABASE_URL}_seed`;
  let ds: DataSource;
  beforeAll(async () => {
    await prepareDatabase(url);
    ds = new DataSource(dataSourceOptions(url));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(url);
  });

  const snapshot = async () => ({
    jurisdictions: await ds.query(`SELECT * FROM jurisdictions ORDER BY code`),
    industries: await ds.query(`SELECT * FROM industries ORDER BY code`),
    segments: await ds.query(`SELECT * FROM segments ORDER BY code`),
    edges: await ds.query(`SELECT * FROM chain_edges ORDER BY 1, 2`),
    parks: await ds.query(
      `SELECT seed_key, name, version, updated_at FROM parks WHERE seed_key IS NOT NULL ORDER BY seed_key`,
    ),
  });

  it('was loaded at first start: 2 jurisdictions, 5 industries, 61 segments, 148 edges, 7 parks', async () => {
    const s = await snapshot();
    expect(s.jurisdictions.map((j: { division_code: string }) => j.division_code)).toEqual([
      '500109',
      '510700',
    ]);
    expect(s.industries).toHaveLength(5);
    expect(s.segments).toHaveLength(61);
    expect(s.edges).toHaveLength(148);
    expect(s.edges.filter((e: { strength: string }) => e.strength === 'core')).toHaveLength(82);
    expect(s.parks).toHaveLength(7);
  });

  it('running it again changes nothing', async () => {
    const before = await snapshot();
    const result = await loadReferenceData(ds);
    expect(result.applied).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it('a changed file updates only what changed, and admins’ corrections of other parks survive', async () => {
    const [corrected] = await ds.query(
      `UPDATE parks SET available_land_mu = 321, version = version + 1 WHERE seed_key = 'tongxing-park' RETURNING version`,
    );
    void corrected;
    const changed: ReferenceData = JSON.parse(JSON.stringify(REFERENCE_DATA));
    changed.version = 'test-changed';
    changed.segments.find((s) => s.code === 'nev.cathode')!.nameEn = 'cathode materials';
    changed.parks.find((p) => p.key === 'cq-sensor-base')!.availableLandMu = 640;
    changed.edges = changed.edges.filter((e) => !(e.from === 'nev.vehicle' && e.to === 'nev.charging'));
    const flipped = changed.edges.find((e) => e.from === 'nev.cathode' && e.to === 'nev.battery-cell')!;
    flipped.strength = 'supporting';
    flipped.reason = '测试用理由';
    const before = await snapshot();

    const result = await loadReferenceData(ds, changed);
    expect(result).toEqual({ applied: true, parksChanged: 1 });
    const after = await snapshot();
    expect(after.segments.find((s: { code: string }) => s.code === 'nev.cathode').name_en).toBe(
      'cathode materials',
    );
    expect(after.edges).toHaveLength(147);
    expect(
      after.edges.find((e: any) => e.from_segment === 'nev.cathode' && e.to_segment === 'nev.battery-cell'),
    ).toMatchObject({ strength: 'supporting', reason: '测试用理由' });
    const park = (s: typeof before, key: string) =>
      s.parks.find((p: { seed_key: string }) => p.seed_key === key);
    expect(park(after, 'cq-sensor-base').version).toBe(park(before, 'cq-sensor-base').version + 1);
    expect(park(after, 'tongxing-park')).toEqual(park(before, 'tongxing-park'));
    const [tongxing] = await ds.query(`SELECT available_land_mu FROM parks WHERE seed_key = 'tongxing-park'`);
    expect(Number(tongxing.available_land_mu)).toBe(321);

    await loadReferenceData(ds);
    expect((await snapshot()).edges).toEqual(before.edges);
  });
});
