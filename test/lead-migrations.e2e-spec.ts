import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { LeadMatchVersion1764300000000 } from '../migrations/1764300000000-lead-match-version';
import { dataSourceOptions, dropDatabase, ensureDatabase } from '../libs/db/database';
import { loadReferenceData } from '../libs/taxonomy/reference-seed';
import { isValidUscc } from '../libs/uscc/uscc';

/**
 * The migrations of matching versions and milestone facts on data written before them: a database
 * migrated to just before 1764300000000 gets leads as the code of then wrote them, then the rest.
 */
describe('migrating existing leads (match versions, milestone facts)', () => {
  const url = (() => {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/liancheng_migrate_${Date.now()}_${process.pid}`;
    return u.toString();
  })();
  let ds: DataSource;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await ensureDatabase(url);
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(LeadMatchVersion1764300000000));
    const old = new DataSource(dataSourceOptions(url, { migrations: before, extra: { max: 2 } }));
    await old.initialize();
    await old.runMigrations({ transaction: 'each' });
    // The two cities as the schema of then held them (today's reference seed writes columns that
    // later migrations add).
    await old.query(
      `INSERT INTO jurisdictions (code, name, name_en, division_code) VALUES
         ('beibei', '北碚区', 'Beibei District', '500109'), ('mianyang', '绵阳市', 'Mianyang City', '510700')`,
    );
    const lead = async (key: string, stage: string, version: number, resume: string | null = null) => {
      const [row] = await old.query(
        `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, stage, resume_stage, jurisdiction,
                            planned_investment_wan, version, updated_at)
         VALUES ($1, $1, $1, '{nev.vehicle}', '{nev}', $2, $3, $4, 12345.6, $5, '2026-05-05 20:00:00+00') RETURNING id`,
        [`旧线索${key}`, stage, resume, key === 'registered' ? 'mianyang' : 'beibei', version],
      );
      ids[key] = row.id;
    };
    await lead('negotiating', 'negotiating', 1);
    await lead('signed', 'signed', 3);
    await lead('registered', 'registered', 2);
    await lead('operating', 'operating', 4);
    await lead('held', 'on_hold', 2, 'started');
    await lead('lost', 'lost', 2);
    // The operating lead's timeline: it was signed on 1 March and started on 10 April (China time).
    await old.query(
      `INSERT INTO activities (lead_id, type, occurred_at, summary, jurisdiction, from_stage, to_stage) VALUES
         ($1, 'stage_change', '2026-02-28 17:00:00+00', 's', 'beibei', 'negotiating', 'signed'),
         ($1, 'stage_change', '2026-04-10 02:00:00+00', 's', 'beibei', 'registered', 'started')`,
      [ids.operating],
    );
    // Matches stored for the signed lead's current version (ready) and for an older one of the
    // registered lead (left pending by a stage change before this fix).
    await old.query(
      `INSERT INTO lead_match_state (lead_id, matched_version, algorithm_version) VALUES ($1, 3, 'v'), ($2, 1, 'v')`,
      [ids.signed, ids.registered],
    );
    await old.destroy();
    ds = new DataSource(dataSourceOptions(url, { extra: { max: 2 } }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await loadReferenceData(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url);
  });

  const lead = async (key: string) => (await ds.query(`SELECT * FROM leads WHERE id = $1`, [ids[key]]))[0];

  it('gives leads at or past signed plausible facts, from their timeline or last update', async () => {
    expect(await lead('negotiating')).toMatchObject({
      signed_at: null,
      contract_amount_wan: null,
      version: 1,
    });
    expect(await lead('signed')).toMatchObject({
      signed_at: '2026-05-06', // updated 20:00 UTC = the next day in China
      contract_amount_wan: '12345.60',
      project_uscc: null,
      started_at: null,
      version: 4, // moved on: partner systems following the feed receive the facts
    });
    const operating = await lead('operating');
    expect(operating).toMatchObject({
      signed_at: '2026-03-01',
      started_at: '2026-04-10',
      operating_at: '2026-05-06', // no stage change into operating: its last update
      funds_in_place: [],
    });
    const registered = await lead('registered');
    expect(registered.project_uscc).toMatch(/^91510700/);
    expect(isValidUscc(registered.project_uscc)).toBe(true);
    expect(isValidUscc(operating.project_uscc)).toBe(true);
    expect(operating.project_uscc).toMatch(/^91500109/);
    const held = await lead('held');
    expect(held.started_at).not.toBeNull();
    expect(held.operating_at).toBeNull();
    expect((await lead('lost')).signed_at).toBeNull();
  });

  it('keeps matches ready that were computed for the current version, and queues a job for the rest', async () => {
    const states: {
      lead_id: string;
      matched_version: number;
      queued_version: number;
      queued_key: string | null;
    }[] = await ds.query(`SELECT lead_id, matched_version, queued_version, queued_key FROM lead_match_state`);
    const of = (key: string) => states.find((s) => s.lead_id === ids[key])!;
    expect(states).toHaveLength(Object.keys(ids).length);
    expect(of('signed')).toEqual({
      lead_id: ids.signed,
      matched_version: 1,
      queued_version: 1,
      queued_key: null,
    });
    for (const key of ['registered', 'negotiating', 'lost']) {
      expect(of(key)).toMatchObject({ matched_version: 0, queued_version: 1 });
      const [job] = await ds.query(`SELECT payload FROM outbox WHERE dedupe_key = $1`, [of(key).queued_key]);
      expect(job.payload).toEqual({ leadId: ids[key], version: 1 });
    }
  });

  it('goes down and up again, keeping what was matched', async () => {
    // Down to just before the match-version migration, through every migration added since.
    for (let n = MIGRATIONS.length - MIGRATIONS.indexOf(LeadMatchVersion1764300000000); n > 0; n--) {
      await ds.undoLastMigration({ transaction: 'each' });
    }
    const [down] = await ds.query(
      `SELECT count(*)::int AS n FROM information_schema.columns
        WHERE table_name = 'leads' AND column_name IN ('match_version', 'signed_at', 'partner_summary')`,
    );
    expect(down.n).toBe(0);
    // The state of the lead that was matched says "computed for the lead's current version" again.
    const [signed] = await ds.query(
      `SELECT s.matched_version, l.version FROM lead_match_state s JOIN leads l ON l.id = s.lead_id WHERE l.id = $1`,
      [ids.signed],
    );
    expect(signed.matched_version).toBe(signed.version);
    await ds.runMigrations({ transaction: 'each' });
    expect((await lead('registered')).project_uscc).toMatch(/^91510700/);
  });
});
