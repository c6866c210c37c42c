import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase } from '../libs/db/database';
import { prepareDatabase } from '../libs/db/prepare';
import { loadReferenceData } from '../libs/taxonomy/reference-seed';
import { REFERENCE_DATA, ReferenceData } from '../libs/taxonomy/taxonomy';
import { startApp } from './support/app';

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
