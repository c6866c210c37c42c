import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase } from '../libs/db/database';
import { prepareDatabase } from '../libs/platform/prepare-database';
import { DEMO_USERS, SeedDemoResult, seedDemo } from '../libs/demo/demo-seed';
import { isValidUscc } from '../libs/uscc/uscc';
import { startApp, TestApp } from './support/app';

/**
 * `npm run seed:demo` (DESIGN §13). The demo data goes into a database of its own, next to the run's
 * e2e database: several hundred extra enterprises and leads in the shared e2e database would change
 * what other suites' matching and collision checks see.
 */
jest.setTimeout(120_000);

const PASSWORD = 'demo-pass-e2e';
const demoUrl = (() => {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `${u.pathname}_demo`;
  return u.toString();
})();

const COUNTED = [
  'action_plans',
  'action_items',
  'action_item_reports',
  'joint_meetings',
  'users',
  'enterprises',
  'leads',
  'activities',
  'outbox',
  'change_log',
];

async function counts(ds: DataSource): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of COUNTED) {
    const [row] = await ds.query(`SELECT count(*)::int AS n FROM ${t}`);
    out[t] = row.n;
  }
  return out;
}

describe('demo seed', () => {
  let ds: DataSource;
  let first: SeedDemoResult;
  let second: SeedDemoResult;
  let afterFirst: Record<string, number>;
  let afterSecond: Record<string, number>;
  let app: TestApp;

  beforeAll(async () => {
    await dropDatabase(demoUrl);
    await prepareDatabase(demoUrl);
    ds = new DataSource(dataSourceOptions(demoUrl, { extra: { max: 2 } }));
    await ds.initialize();
    first = await seedDemo(ds, { password: PASSWORD });
    afterFirst = await counts(ds);
    second = await seedDemo(ds, { password: PASSWORD });
    afterSecond = await counts(ds);
    app = await startApp({ DATABASE_URL: demoUrl });
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await dropDatabase(demoUrl);
  });

  it('creates the demo users, enterprises and leads on the first run', () => {
    expect(first.users).toEqual({ created: DEMO_USERS.length, existing: 0 });
    expect(first.enterprises.created).toBeGreaterThanOrEqual(300);
    expect(first.leads.created).toBeGreaterThanOrEqual(100);
    expect(first.matchJobs).toBe(first.leads.created);
  });

  it('creates nothing on the second run', () => {
    expect(second.users.created).toBe(0);
    expect(second.enterprises.created).toBe(0);
    expect(second.leads.created).toBe(0);
    expect(second.activities).toBe(0);
    expect(second.matchJobs).toBe(0);
    expect(second.cooperation).toEqual({ plans: 0, items: 0, meetings: 0 });
    expect(afterSecond).toEqual(afterFirst);
  });

  it('seeds the three-year action plan: 44 items in the agreement’s fields, ten key tasks, some overdue; two meetings', async () => {
    expect(first.cooperation).toEqual({ plans: 1, items: 44, meetings: 2 });
    const year = new Date().getUTCFullYear();
    const [p] = await ds.query(`
      SELECT count(*)::int AS items, count(DISTINCT field)::int AS fields,
             count(*) FILTER (WHERE key_task_year = ${year})::int AS key_tasks,
             count(*) FILTER (WHERE due_at < (now() AT TIME ZONE 'Asia/Shanghai')::date AND status NOT IN ('done','cancelled'))::int AS overdue,
             count(*) FILTER (WHERE status = 'done')::int AS done,
             count(*) FILTER (WHERE meeting_id IS NOT NULL)::int AS from_meetings,
             (SELECT count(*)::int FROM action_item_reports) AS reports
        FROM action_items`);
    expect(p).toMatchObject({ items: 44, fields: 8, key_tasks: 10, from_meetings: 4 });
    expect(p.overdue).toBeGreaterThanOrEqual(2);
    expect(p.done).toBeGreaterThanOrEqual(5);
    expect(p.reports).toBeGreaterThan(44);
    const meetings = await ds.query(
      `SELECT kind, jsonb_array_length(decisions) AS n FROM joint_meetings ORDER BY held_at`,
    );
    expect(meetings).toEqual([
      { kind: 'leading_group', n: 3 },
      { kind: 'leading_group', n: 3 },
    ]);
  });

  it('spreads enterprises over both cities, all five industries and all three chain stages', async () => {
    const [e] = await ds.query(`
      SELECT count(*)::int AS n,
             count(DISTINCT jurisdiction)::int AS cities,
             count(*) FILTER (WHERE chain_leader)::int AS leaders,
             (SELECT count(DISTINCT s.industry) FROM enterprises x, unnest(x.segments) g
                JOIN segments s ON s.code = g)::int AS industries,
             (SELECT count(DISTINCT s.stage) FROM enterprises x, unnest(x.segments) g
                JOIN segments s ON s.code = g)::int AS stages
      FROM enterprises`);
    expect(e).toEqual({
      n: first.enterprises.created,
      cities: 2,
      leaders: expect.any(Number),
      industries: 5,
      stages: 3,
    });
    expect(e.leaders).toBeGreaterThan(5);
    const usccs: { uscc: string; name: string }[] = await ds.query(`SELECT uscc, name FROM enterprises`);
    for (const r of usccs) {
      expect(isValidUscc(r.uscc)).toBe(true);
      expect(r.name).toMatch(/^\p{Script=Han}+$/u);
    }
  });

  it('spreads leads over every stage, both sharing modes and both cities, owned by the demo officers', async () => {
    const stages: { stage: string }[] = await ds.query(`SELECT DISTINCT stage FROM leads`);
    expect(stages).toHaveLength(10);
    const combos: { jurisdiction: string; sharing: string; owner: string }[] = await ds.query(`
      SELECT DISTINCT l.jurisdiction, l.sharing, u.username AS owner
      FROM leads l JOIN users u ON u.id = l.owner_id`);
    expect(combos).toHaveLength(4);
    for (const c of combos) expect(c.owner).toBe(`${c.jurisdiction}.officer`);
    const [bad] = await ds.query(`
      SELECT count(*)::int AS n FROM leads l
      WHERE l.industries <> ARRAY(SELECT DISTINCT s.industry FROM unnest(l.segments) g
                                  JOIN segments s ON s.code = g ORDER BY 1)
         OR l.investor_norm = ''`);
    expect(bad.n).toBe(0);
    const [jobs] = await ds.query(
      `SELECT count(*)::int AS n FROM outbox o JOIN leads l ON o.payload->>'leadId' = l.id::text
       WHERE o.kind = 'match-lead' AND o.dedupe_key LIKE 'match-lead:' || l.id || ':m1-%'`,
    );
    expect(jobs.n).toBe(first.leads.created);
  });

  it.each(DEMO_USERS.map((u) => [u.username, u.jurisdiction, u.role]))(
    'lets %s log in',
    async (username, jurisdiction, role) => {
      const res = await app.http.post('/api/v1/auth/login').send({ username, password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
      expect(res.body.user).toMatchObject({ username, jurisdiction, role });
    },
  );
});
