import { Client } from 'pg';
import { dropDatabase } from '../../libs/db/database';
import { prepareDatabase } from '../../libs/platform/prepare-database';
import { isValidUscc } from '../../libs/uscc/uscc';
import { generateDataset, GenerateResult } from './generator';

/**
 * The bulk generator makes valid rows: it loads into a database of its own (it drops and rebuilds
 * indexes, which must not happen under other suites), then the rows are checked against the
 * schema's rules and the taxonomy.
 */
jest.setTimeout(180_000);

const url = (() => {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `${u.pathname}_gen`;
  return u.toString();
})();

describe('bulk data generator', () => {
  let db: Client;
  let result: GenerateResult;
  let indexesBefore: string[];

  const indexes = async () =>
    (
      await db.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename IN ('leads', 'enterprises') ORDER BY indexname`,
      )
    ).rows.map((r) => r.indexdef);

  beforeAll(async () => {
    await dropDatabase(url);
    await prepareDatabase(url);
    db = new Client({ connectionString: url });
    await db.connect();
    indexesBefore = await indexes();
    result = await generateDataset(url, { enterprises: 2_000, leads: 10_000, users: 3 });
  });

  afterAll(async () => {
    await db?.end();
    await dropDatabase(url);
  });

  it('loads the asked numbers of rows and users', async () => {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM enterprises)::int AS e, (SELECT count(*) FROM leads)::int AS l`,
    );
    expect(rows[0]).toEqual({ e: 2_000, l: 10_000 });
    expect(result.users.map((u) => u.username)).toEqual(
      expect.arrayContaining(['gen.beibei.officer.001', 'gen.mianyang.officer.001', 'gen.beibei.admin']),
    );
  });

  it('puts every index back as it was', async () => {
    expect(await indexes()).toEqual(indexesBefore);
  });

  it('writes valid enterprises: unique valid USCCs, segments of one industry, needs that supply them', async () => {
    const { rows } = await db.query<{ uscc: string; name: string }>(`SELECT uscc, name FROM enterprises`);
    expect(new Set(rows.map((r) => r.uscc)).size).toBe(rows.length);
    for (const r of rows) {
      expect(isValidUscc(r.uscc)).toBe(true);
      expect(r.name).toMatch(/^\p{Script=Han}+$/u);
    }
    const { rows: bad } = await db.query(`
      SELECT e.id FROM enterprises e
      WHERE (SELECT count(DISTINCT s.industry) FROM unnest(e.segments) g JOIN segments s ON s.code = g) <> 1
         OR EXISTS (SELECT 1 FROM unnest(e.needs) n
                    WHERE NOT EXISTS (SELECT 1 FROM chain_edges c WHERE c.from_segment = n AND c.to_segment = ANY(e.segments)))`);
    expect(bad).toEqual([]);
  });

  it('writes valid leads: known segments, industries derived from them, references that exist', async () => {
    const { rows } = await db.query(`
      SELECT
        count(*) FILTER (WHERE industries <> ARRAY(SELECT DISTINCT s.industry FROM unnest(l.segments) g
                                                   JOIN segments s ON s.code = g ORDER BY 1))::int AS bad_industries,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM unnest(l.segments) g
                                       WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.code = g)))::int AS bad_segments,
        count(*) FILTER (WHERE investor_enterprise_id IS NOT NULL AND NOT EXISTS
                           (SELECT 1 FROM enterprises e WHERE e.id = l.investor_enterprise_id
                              AND e.uscc = l.investor_uscc AND e.name = l.investor_name))::int AS bad_investor,
        count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.owner_id
                                           AND u.jurisdiction = l.jurisdiction))::int AS bad_owner,
        count(*) FILTER (WHERE investor_norm = '' OR version <> 1)::int AS bad_other,
        count(*) FILTER (WHERE (stage = 'on_hold') <> (resume_stage IS NOT NULL))::int AS bad_resume,
        count(*) FILTER (WHERE confidential <> (code_name IS NOT NULL))::int AS bad_code_name,
        count(DISTINCT stage)::int AS stages,
        count(DISTINCT (jurisdiction, sharing))::int AS combos,
        count(*) FILTER (WHERE investor_country IS NOT NULL)::int AS foreign_investors
      FROM leads l`);
    expect(rows[0]).toMatchObject({
      bad_industries: 0,
      bad_segments: 0,
      bad_investor: 0,
      bad_owner: 0,
      bad_other: 0,
      bad_resume: 0,
      bad_code_name: 0,
      stages: 10,
      combos: 4,
    });
    expect(rows[0].foreign_investors).toBeGreaterThan(0);
    const { rows: usccs } = await db.query<{ investor_uscc: string }>(
      `SELECT DISTINCT investor_uscc FROM leads WHERE investor_uscc IS NOT NULL`,
    );
    for (const r of usccs) expect(isValidUscc(r.investor_uscc)).toBe(true);
  });

  it('keeps contacts well-formed JSON with Chinese names', async () => {
    const { rows } = await db.query<{ contacts: { name: string; phone?: string }[] }>(
      `SELECT contacts FROM leads WHERE jsonb_array_length(contacts) > 0 LIMIT 200`,
    );
    expect(rows.length).toBe(200);
    for (const r of rows) for (const c of r.contacts) expect(c.name).toMatch(/^\p{Script=Han}{2,3}$/u);
  });
});
