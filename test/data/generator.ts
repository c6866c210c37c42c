import { once } from 'events';
import { Client } from 'pg';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import { from as copyFrom } from 'pg-copy-streams';
import { LeadDatasetOptions, makeEnterprise, makeLead } from '../../libs/demo/demo-data';
import { hashPassword } from '../../libs/identity/secrets';
import type { Jurisdiction, Role } from '../../libs/common/request-context';

/**
 * Fast generator of realistic, valid rows for benchmarks (Performance): N enterprises and
 * M leads straight into Postgres with COPY, from the same deterministic vocabularies as the demo
 * seed (`libs/demo`): Chinese names, valid USCCs, segments of one industry, `industries` derived
 * from `segments`, `investor_norm` from the collision normaliser, `version` 1.
 *
 * Speed, on purpose:
 * - rows are streamed in chunks, never held in memory (1,000,000 leads is about 1 GB of text);
 * - the secondary indexes of `enterprises` and `leads` are dropped before the load and rebuilt
 *   afterwards from their saved definitions (whatever indexes the migrations define at the time);
 * - the session runs with `session_replication_role = replica`, which disables triggers: the
 *   `change_log` trigger does not fire, so generated rows do NOT appear in the changes feed, and
 *   foreign keys are not re-checked (the generator only writes references it made itself).
 *   Fine for benchmarks; never use this to load data a partner system must see in the feed.
 *
 * Generate into a fresh database (ids and USCCs are deterministic per seed and index).
 */

export interface GenerateOptions {
  enterprises?: number;
  leads?: number;
  /** Users per jurisdiction (officers, plus one manager in ten); leads are owned by them. */
  users?: number;
  seed?: number;
  /** "Now" for timestamps (ms since epoch). */
  now?: number;
  /** Password of the generated users, for benchmarks that log in. */
  password?: string;
  log?: (message: string) => void;
}

export interface GeneratedUser {
  id: string;
  username: string;
  jurisdiction: Jurisdiction;
  role: Role;
}

export interface GenerateResult {
  enterprises: number;
  leads: number;
  users: GeneratedUser[];
  password: string;
  seconds: { enterprises: number; leads: number; indexes: number; analyze: number; total: number };
}

export const GENERATOR_SEED = 1_000_003;
export const GENERATOR_PASSWORD = 'bench-password-123';

const CHUNK_ROWS = 2_000;

export async function generateDataset(
  databaseUrl: string,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const enterpriseCount = options.enterprises ?? 100_000;
  const leadCount = options.leads ?? 1_000_000;
  const seed = options.seed ?? GENERATOR_SEED;
  const now = options.now ?? Date.now();
  const password = options.password ?? GENERATOR_PASSWORD;
  const log = options.log ?? (() => undefined);
  const t0 = Date.now();

  const client = new Client({ connectionString: databaseUrl, application_name: 'liancheng-generator' });
  await client.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET synchronous_commit = off`);
    const users = await ensureUsers(client, options.users ?? 10, password);
    const owners: Record<Jurisdiction, string[]> = { beibei: [], mianyang: [] };
    for (const u of users) if (u.role !== 'admin') owners[u.jurisdiction].push(u.id);

    const dropped = await dropSecondaryIndexes(client, ['enterprises', 'leads']);
    log(`dropped ${dropped.length} secondary indexes for the load`);

    let t = Date.now();
    await copyRows(client, ENTERPRISE_COPY, enterpriseCount, (i) => enterpriseLine(seed, i));
    const enterpriseSeconds = (Date.now() - t) / 1000;
    log(`enterprises: ${enterpriseCount} rows in ${enterpriseSeconds.toFixed(1)} s`);

    t = Date.now();
    const leadOptions: LeadDatasetOptions = { seed, enterpriseCount, owners, now, historyDays: 1095 };
    await copyLeads(databaseUrl, client, leadOptions, leadCount, log);
    const leadSeconds = (Date.now() - t) / 1000;
    log(`leads: ${leadCount} rows in ${leadSeconds.toFixed(1)} s`);

    t = Date.now();
    await rebuildIndexes(databaseUrl, dropped, log);
    const indexSeconds = (Date.now() - t) / 1000;
    log(`indexes rebuilt in ${indexSeconds.toFixed(1)} s`);

    t = Date.now();
    // VACUUM as well: it sets the visibility map, without which index-only scans (the text-search
    // walk) visit the heap for every row until autovacuum gets there (if it runs at all).
    await client.query(`VACUUM (ANALYZE) enterprises`);
    await client.query(`VACUUM (ANALYZE) leads`);
    await client.query(`VACUUM (ANALYZE) users`);
    const analyzeSeconds = (Date.now() - t) / 1000;
    return {
      enterprises: enterpriseCount,
      leads: leadCount,
      users,
      password,
      seconds: {
        enterprises: enterpriseSeconds,
        leads: leadSeconds,
        indexes: indexSeconds,
        analyze: analyzeSeconds,
        total: (Date.now() - t0) / 1000,
      },
    };
  } finally {
    await client.end();
  }
}

async function ensureUsers(
  client: Client,
  perJurisdiction: number,
  password: string,
): Promise<GeneratedUser[]> {
  const hash = await hashPassword(password);
  const specs: { username: string; jurisdiction: Jurisdiction; role: Role }[] = [];
  for (const j of ['beibei', 'mianyang'] as const) {
    for (let i = 1; i <= perJurisdiction; i++) {
      const role: Role = i % 10 === 0 ? 'manager' : 'officer';
      specs.push({ username: `gen.${j}.${role}.${String(i).padStart(3, '0')}`, jurisdiction: j, role });
    }
    specs.push({ username: `gen.${j}.admin`, jurisdiction: j, role: 'admin' });
  }
  await client.query(
    `INSERT INTO users (username, display_name, jurisdiction, role, password_hash)
     SELECT u, u, j, r, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(u, j, r)
     ON CONFLICT ((lower(username))) DO NOTHING`,
    [specs.map((s) => s.username), specs.map((s) => s.jurisdiction), specs.map((s) => s.role), hash],
  );
  // Re-running against the same database: make the password the one asked for.
  await client.query(`UPDATE users SET password_hash = $2 WHERE username = ANY($1)`, [
    specs.map((s) => s.username),
    hash,
  ]);
  const rows = await client.query<GeneratedUser>(
    `SELECT id, username, jurisdiction, role FROM users WHERE username = ANY($1) ORDER BY username`,
    [specs.map((s) => s.username)],
  );
  return rows.rows;
}

interface SavedIndex {
  name: string;
  table: string;
  definition: string;
}

/** Secondary indexes (not backing a primary key or constraint), saved so they can be rebuilt. */
async function dropSecondaryIndexes(client: Client, tables: string[]): Promise<SavedIndex[]> {
  const { rows } = await client.query<SavedIndex>(
    `SELECT i.indexname AS name, i.tablename AS "table", i.indexdef AS definition
     FROM pg_indexes i
     JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = 'public'::regnamespace
     WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
     ORDER BY i.indexname`,
    [tables],
  );
  for (const r of rows) await client.query(`DROP INDEX "${r.name}"`);
  return rows;
}

/** Rebuilds on two connections at once (two cores), biggest GIN indexes first. */
async function rebuildIndexes(
  databaseUrl: string,
  saved: SavedIndex[],
  log: (m: string) => void,
): Promise<void> {
  const queue = [...saved].sort((a, b) => cost(b) - cost(a));
  const worker = async () => {
    const c = new Client({ connectionString: databaseUrl, application_name: 'liancheng-generator' });
    await c.connect();
    try {
      await c.query(`SET maintenance_work_mem = '512MB'`);
      for (let next = queue.shift(); next; next = queue.shift()) {
        const t = Date.now();
        await c.query(next.definition);
        log(`  index ${next.name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all([worker(), worker()]);
}

function cost(i: SavedIndex): number {
  return (
    (i.table === 'leads' ? 10 : 1) *
    (/gin_trgm_ops/.test(i.definition) ? 10 : /USING gin/.test(i.definition) ? 3 : 1)
  );
}

/**
 * Leads are most of the work: both making the rows (JS) and parsing them (Postgres: arrays, jsonb).
 * Compiled, the load is split over two worker threads with a COPY connection each, so that both
 * cores work on both sides; under ts-jest (a .ts file cannot start a worker) it runs in-process.
 */
async function copyLeads(
  databaseUrl: string,
  client: Client,
  options: LeadDatasetOptions,
  count: number,
  log: (m: string) => void,
): Promise<void> {
  const parts = __filename.endsWith('.js') && count >= 50_000 ? 2 : 1;
  if (parts === 1) {
    await copyRows(client, LEAD_COPY, count, (i) => leadLine(makeLead(options, i)));
    return;
  }
  const size = Math.ceil(count / parts);
  await Promise.all(
    Array.from({ length: parts }, (_, p) => {
      const job: LeadCopyJob = {
        databaseUrl,
        options,
        start: p * size,
        end: Math.min(count, (p + 1) * size),
      };
      return new Promise<void>((resolve, reject) => {
        const w = new Worker(__filename, { workerData: job });
        w.on('message', (m: { progress?: number }) => {
          if (m.progress) log(`  leads: part ${p + 1}/${parts} at ${m.progress} rows`);
        });
        w.on('error', reject);
        w.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`lead writer exited with ${code}`)),
        );
      });
    }),
  );
}

interface LeadCopyJob {
  databaseUrl: string;
  options: LeadDatasetOptions;
  start: number;
  end: number;
}

async function leadCopyWorker(job: LeadCopyJob): Promise<void> {
  const client = new Client({ connectionString: job.databaseUrl, application_name: 'liancheng-generator' });
  await client.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET synchronous_commit = off`);
    await copyRows(
      client,
      LEAD_COPY,
      job.end - job.start,
      (i) => leadLine(makeLead(job.options, job.start + i)),
      (n) => {
        if (n % 200_000 === 0) parentPort?.postMessage({ progress: n });
      },
    );
  } finally {
    await client.end();
  }
}

/** Streams `count` lines made by `line(i)` into one COPY, respecting back-pressure. */
async function copyRows(
  client: Client,
  copySql: string,
  count: number,
  line: (i: number) => string,
  progress?: (n: number) => void,
): Promise<void> {
  const stream = client.query(copyFrom(copySql));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (let i = 0; i < count;) {
    let chunk = '';
    const end = Math.min(count, i + CHUNK_ROWS);
    for (; i < end; i++) {
      chunk += line(i);
      if (progress && (i + 1) % 10_000 === 0) progress(i + 1);
    }
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await done;
}

// ---------------------------------------------------------------------------------------------
// COPY text format

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;

function text(v: string | null | undefined): string {
  if (v === null || v === undefined) return NULL;
  return SPECIAL.test(v)
    ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : v;
}

const PLAIN_ELEMENT = /^[A-Za-z0-9._\-\p{Script=Han}]+$/u;

function array(items: readonly string[]): string {
  return text(
    `{${items.map((x) => (PLAIN_ELEMENT.test(x) ? x : `"${x.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`,
  );
}

function num(v: number | null): string {
  return v === null ? NULL : String(v);
}

const ENTERPRISE_COPY = `COPY enterprises (id, name, uscc, jurisdiction, segments, needs, chain_leader, revenue_wan,
  employees, address, tags, created_at, updated_at) FROM STDIN`;

function enterpriseLine(seed: number, i: number): string {
  const e = makeEnterprise(seed, i);
  const at = new Date(Date.UTC(2024, 0, 1) + (i % 700) * 86_400_000).toISOString();
  return `${e.id}\t${text(e.name)}\t${e.uscc}\t${e.jurisdiction}\t${array(e.segments)}\t${array(e.needs)}\t${
    e.chainLeader ? 't' : 'f'
  }\t${e.revenueWan}\t${e.employees}\t${text(e.address)}\t${array(e.tags)}\t${at}\t${at}\n`;
}

const LEAD_COPY = `COPY leads (id, title, investor_name, investor_norm, investor_uscc, investor_enterprise_id,
  investor_country, summary, segments, industries, planned_investment_wan, land_need_mu, expected_jobs, stage,
  resume_stage, jurisdiction, owner_id, sharing, confidential, code_name, source, next_action_at, contacts,
  created_at, updated_at, partner_summary, signed_at, contract_amount_wan, project_uscc, started_at,
  operating_at, funds_in_place) FROM STDIN`;

function leadLine(l: ReturnType<typeof makeLead>): string {
  return `${l.id}\t${text(l.title)}\t${text(l.investor.name)}\t${text(l.investor.norm)}\t${text(
    l.investor.uscc,
  )}\t${text(l.investor.enterpriseId)}\t${text(l.investor.country)}\t${text(l.summary)}\t${array(
    l.segments,
  )}\t${array(l.industries)}\t${l.plannedInvestmentWan}\t${num(l.landNeedMu)}\t${num(l.expectedJobs)}\t${
    l.stage
  }\t${text(l.resumeStage)}\t${l.jurisdiction}\t${text(l.ownerId)}\t${l.sharing}\t${l.confidential ? 't' : 'f'}\t${text(
    l.codeName,
  )}\t${l.source}\t${l.nextActionAt ? l.nextActionAt.toISOString() : NULL}\t${text(
    JSON.stringify(l.contacts),
  )}\t${l.createdAt.toISOString()}\t${l.updatedAt.toISOString()}\t${text(l.partnerSummary)}\t${text(
    l.signedAt,
  )}\t${num(l.contractAmountWan)}\t${text(l.projectUscc)}\t${text(l.startedAt)}\t${text(l.operatingAt)}\t${text(
    JSON.stringify(l.fundsInPlace),
  )}\n`;
}

// ---------------------------------------------------------------------------------------------
// CLI (`npm run bench:data`): node dist/bench/test/data/generator.js [--enterprises N] [--leads M] [--users U]
//      into BENCH_DATABASE_URL (default liancheng_bench_data), which is created and migrated first.

async function cli(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  // Not DATABASE_URL: that names the database people use, and this load disables triggers.
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/liancheng_bench_data';
  const { prepareDatabase } = await import('../../libs/platform/prepare-database');
  await prepareDatabase(url, (m) => console.log(m));
  const result = await generateDataset(url, {
    enterprises: arg('enterprises', 100_000),
    leads: arg('leads', 1_000_000),
    users: arg('users', 10),
    log: (m) => console.log(m),
  });
  console.log(
    `generated ${result.enterprises} enterprises and ${result.leads} leads in ${result.seconds.total.toFixed(1)} s ` +
      `(enterprises ${result.seconds.enterprises.toFixed(1)} s, leads ${result.seconds.leads.toFixed(1)} s, ` +
      `indexes ${result.seconds.indexes.toFixed(1)} s, analyze ${result.seconds.analyze.toFixed(1)} s); ` +
      `users gen.<city>.officer.001… password ${result.password}`,
  );
}

if (!isMainThread && workerData?.options) {
  leadCopyWorker(workerData as LeadCopyJob).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else if (require.main === module) {
  cli().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
