import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase } from '../libs/db/database';
import { LeadFilters, LeadListKey, LeadRepository, SEARCH_PROBE } from '../libs/leads/lead.repository';
import { migratedDatabase } from './support/databases';

/**
 * `q` search chooses per term between walking the id order and the text indexes
 * (LeadRepository.searchWalk). Whatever it chooses, every page must be exactly the first matches
 * in id order that the plain indexed query gives, for common, middling and rare terms, for both
 * viewers, across pages. A database of its own: it needs many more leads than the probe reads.
 */
describe('lead text search: the id walk and the text index give the same pages', () => {
  const url = `${process.env.DATABASE_URL}_search`;
  let ds: DataSource;
  const repo = new LeadRepository();
  const LEADS = SEARCH_PROBE * 6;

  beforeAll(async () => {
    await migratedDatabase(url);
    ds = new DataSource(dataSourceOptions(url));
    await ds.initialize();
    // Terms at about 6%, 0.5% and 0.05% of leads; jurisdictions, sharing and confidentiality mixed.
    await ds.query(
      `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, jurisdiction, sharing,
                          confidential, code_name, stage, source)
       SELECT CASE WHEN n % 17 = 0 THEN '动力电池项目 ' || n
                   WHEN n % 199 = 0 THEN '传感器 Kessler 扩产 ' || n
                   WHEN n % 1999 = 0 THEN '罕见词 ' || n ELSE '其他项目 ' || n END,
              CASE WHEN n % 23 = 0 THEN '华达动力电池有限公司' ELSE '投资方' || n END,
              '投资方' || n, '{nev.battery-cell}', '{nev}',
              CASE WHEN n % 2 = 0 THEN 'beibei' ELSE 'mianyang' END,
              CASE WHEN n % 3 = 0 THEN 'private' ELSE 'shared' END,
              n % 5 = 0, CASE WHEN n % 5 = 0 THEN '代号' || n END, 'lead', 'referral'
         FROM generate_series(1, $1) n`,
      [LEADS],
    );
    await ds.query(`VACUUM ANALYZE leads`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url);
  });

  const pages = async (
    list: (
      f: LeadFilters,
      after: LeadListKey | null,
      limit: number,
    ) => Promise<{ id: string; view: string }[]>,
    f: LeadFilters,
  ) => {
    const out: string[][] = [];
    let after: LeadListKey | null = null;
    for (;;) {
      const rows = await list(f, after, 50);
      out.push(rows.slice(0, 50).map((r) => `${r.id} ${r.view}`));
      if (rows.length <= 50) return out;
      after = { mode: 'id', id: rows[49].id };
    }
  };

  it.each([
    ['动力电池', 'common'],
    ['Kessler', 'middling, letters (ILIKE)'],
    ['kessler', 'lower case'],
    ['罕见词', 'rare'],
    ['华达', 'two characters'],
    ['没有这个词', 'absent'],
  ])('%s (%s)', async (q) => {
    let compared = 0;
    for (const [viewer, partner] of [
      ['beibei', 'mianyang'],
      ['mianyang', 'beibei'],
    ] as const) {
      for (const narrow of [
        {},
        { jurisdiction: partner },
        { sharing: 'private' },
      ] as Partial<LeadFilters>[]) {
        const f: LeadFilters = { viewer, partner, q, qMode: 'substring', ...narrow };
        const chosen = await pages((ff, a, l) => repo.list(ds, ff, a, l), f);
        const indexed = await pages((ff, a, l) => (repo as any).listIndexed(ds, ff, a, l), f);
        expect(chosen).toEqual(indexed);
        // And both are what a plain scan finds (visibility of DESIGN §5, confidential hidden from the partner).
        const [{ n }] = await ds.query(
          `SELECT count(*)::int AS n FROM leads
            WHERE (title || ' ' || investor_name) ILIKE $1
              AND (($4::text IS NULL OR jurisdiction = $4) AND ($5::text IS NULL OR sharing = $5))
              AND (jurisdiction = $2 OR (jurisdiction = $3 AND sharing = 'shared' AND NOT confidential))`,
          [`%${q}%`, viewer, partner, narrow.jurisdiction ?? null, narrow.sharing ?? null],
        );
        expect(chosen.flat()).toHaveLength(n);
        compared += n;
      }
    }
    if (q !== '没有这个词') expect(compared).toBeGreaterThan(0);
  });

  it('lc_bigrams (PL/pgSQL, migration 1764202400000) gives the pairs of its first, SQL definition', async () => {
    // The index leads_search_bigram_idx was built with the SQL form: the new one must agree on
    // every input, or lookups would miss leads indexed before the change.
    await ds.query(`
      CREATE OR REPLACE FUNCTION pg_temp.lc_bigrams_sql(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT coalesce(array_agg(substr(s, i, 2)), '{}')
          FROM (SELECT lower(t) AS s) x, generate_series(1, char_length(s) - 1) AS i
      $$`);
    const samples = [
      '',
      'a',
      'Ab',
      '动力电池',
      ' 华达 ',
      'Kessler 扩产 ÄÖ',
      'x\ty',
      '𠀀𠀁 emoji 🙂 mixed',
      null,
    ];
    const rows: { t: string | null; now: string[] | null; before: string[] | null }[] = await ds.query(
      `SELECT t, lc_bigrams(t) AS now, pg_temp.lc_bigrams_sql(t) AS before FROM unnest($1::text[]) AS t`,
      [samples],
    );
    for (const r of rows) expect(r.now).toEqual(r.before);
    expect(rows.find((r) => r.t === 'Ab')!.now).toEqual(['ab']);
    const [{ differing }] = await ds.query(
      `SELECT count(*)::int AS differing FROM leads
        WHERE lc_bigrams(title || ' ' || investor_name) IS DISTINCT FROM pg_temp.lc_bigrams_sql(title || ' ' || investor_name)`,
    );
    expect(differing).toBe(0);
  });

  it('refuses a jurisdiction outside the known codes in the tables a created lead writes to', async () => {
    // Checked by CHECK constraints since migration 1764202400000 (they were foreign keys).
    await expect(
      ds.query(
        `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, jurisdiction, sharing, stage, source)
         VALUES ('x', 'y', 'y', '{nev.battery-cell}', '{nev}', 'chengdu', 'private', 'lead', 'referral')`,
      ),
    ).rejects.toThrow(/leads_jurisdiction_check/);
    for (const [table, sql] of [
      [
        'audit_entries',
        `INSERT INTO audit_entries (actor_type, jurisdiction, action, entity, entity_id) VALUES ('system', 'chengdu', 'x', 'lead', gen_random_uuid())`,
      ],
      [
        'domain_events',
        `INSERT INTO domain_events (type, entity, entity_id, entity_version, jurisdiction) VALUES ('x', 'lead', gen_random_uuid(), 1, 'chengdu')`,
      ],
      [
        'external_ref_index',
        `INSERT INTO external_ref_index (entity, system, external_id, jurisdiction, entity_id) VALUES ('lead', 's', 'x', 'chengdu', gen_random_uuid())`,
      ],
    ])
      await expect(ds.query(sql)).rejects.toThrow(new RegExp(`${table}_jurisdiction_check`));
  });
});
