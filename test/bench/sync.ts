import 'reflect-metadata';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'stream/promises';
import { Readable } from 'stream';
import { join } from 'path';
import { normaliseInvestorName } from '../../libs/leads/investor-name';
import { dropDatabase } from '../../libs/db/database';
import { prepareDatabase } from '../../libs/platform/prepare-database';
import { generateApiKey } from '../../libs/identity/secrets';
import { cpuMs, freePort, load1, startChild } from './common';
import { backendCpu, cpuDelta } from './sync-support';

/**
 * `npm run bench:sync`: 100,000 leads through PUT /api/v1/sync/leads in batches of
 * 1,000 over real HTTP, the same rows COPYed into a scratch table for comparison, then the whole
 * changes feed read back. Uses its own database (dropped at the end unless KEEP_BENCH_DB=true).
 * The API runs in a child process (test/bench/sync-support.ts), so the figures include the CPU
 * time of the API process and of the Postgres backends per 1,000 leads / changes: on a shared
 * machine those are steadier than wall-clock rates. Environment: BENCH_LEADS (100000),
 * BENCH_CONCURRENCY (parallel batches, 2), BENCH_API_NODE_ARGS (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`), BENCH_TEMPLATE_DB (start from a copy of that database,
 * e.g. liancheng_bench_api with 1,000,000 leads, instead of an empty one), BENCH_PG_LOG_STATEMENTS=1 (every statement's duration in
 * the Postgres server log, see sync-support.ts; with BENCH_PG_EXPLAIN_ANALYZE=1 also the
 * measured plan of each, timing included: slower, for where the time goes, not for rates), KEEP_BENCH_DB=true.
 */
const TOTAL = Number(process.env.BENCH_LEADS ?? 100_000);
const BATCH = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const API_TARGET = 10_000;
const FEED_TARGET = 20_000;
const SEGMENTS = [['ngit.ic-design'], ['ngit.ic-fab', 'ngit.semi-materials'], ['ngit.semi-equipment']];

/** 64 trade-name characters, none the first of a region name: three of them name 262,144 investors. */
const TRADE =
  '鑫锐晶众致优睿鸿盛邦创航驰宇诚昊晟弘铭甄予沃筑鹏骏璟琪瑜璇珩瑾玮昱晖煜炜烨焱淼磊垚森犇骉贝琦绮绣缘纬纶绎霖霄霆霁雯翊翎羿翱舜舸艾';
const INDUSTRY = ['电子科技', '新材料', '智能装备', '生物医药', '动力电池', '精密机械'];

/**
 * A distinct investor per n, named like a company (three trade-name characters, an industry, a
 * legal form): consecutive n differ in every character (n scrambled by an odd multiplier), and no
 * name starts with a region, so every core keeps its length and none contains another: no two
 * names are the same investor by DESIGN §7 and a push writes no collisions or duplicates, as a
 * partner's distinct leads would not.
 */
function investorName(n: number): string {
  const k = (n * 40_503) % 262_144;
  return `${TRADE[k % 64]}${TRADE[(k >> 6) % 64]}${TRADE[(k >> 12) % 64]}${INDUSTRY[n % INDUSTRY.length]}有限公司`;
}

function item(n: number) {
  return {
    externalRef: { system: 'bench', id: `B${n}` },
    title: `基准项目 ${n}`,
    investor: { name: investorName(n), country: 'CN' },
    summary: `bench lead ${n}`,
    segments: SEGMENTS[n % SEGMENTS.length],
    plannedInvestmentWan: 1000 + (n % 5000),
    // Every tenth is signed, with the facts a signed lead carries (DESIGN §6).
    ...(n % 10 === 0
      ? { stage: 'signed', signedAt: '2026-11-20', contractAmountWan: 800 + (n % 5000) }
      : { stage: 'lead' }),
    sharing: n % 3 === 0 ? 'shared' : 'private',
    contacts: n % 4 === 0 ? [{ name: `联系人${n}`, phone: '13800000000' }] : [],
  };
}

async function main(): Promise<void> {
  const base = process.env.BENCH_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const dbName = `liancheng_bench_sync_${Date.now()}`;
  const databaseUrl = `${base}/${dbName}`;
  if (process.env.BENCH_TEMPLATE_DB) {
    // Push into tables that already hold another database's data (e.g. the 1,000,000 leads that
    // `BENCH_KEEP=1 npm run bench:api` leaves in liancheng_bench_api): index upkeep grows with them.
    const admin = new Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName} TEMPLATE ${process.env.BENCH_TEMPLATE_DB}`);
    await admin.end();
  }
  await prepareDatabase(databaseUrl);
  if (process.env.BENCH_PG_LOG_STATEMENTS === '1') {
    // Every statement of the API's connections with its duration in the server log (auto_explain,
    // plans without ANALYZE: cheap), for `sync-support.ts statements <log>` to sum per statement.
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    for (const [k, v] of [
      ['session_preload_libraries', 'auto_explain'],
      ['auto_explain.log_min_duration', '0'],
      ['auto_explain.log_nested_statements', 'on'],
      ...(process.env.BENCH_PG_EXPLAIN_ANALYZE === '1'
        ? [
            ['auto_explain.log_analyze', 'on'],
            ['auto_explain.log_timing', 'on'],
            ['auto_explain.log_triggers', 'on'],
          ]
        : []),
    ])
      await admin.query(`ALTER DATABASE ${dbName} SET ${k} = '${v}'`);
    await admin.end();
  }
  const port = await freePort();
  const server = await startChild(
    'api',
    [
      ...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      join(__dirname, 'sync-support.js'),
    ],
    {
      DATABASE_URL: databaseUrl,
      API_RATE_LIMIT: '0',
      LOG_LEVEL: 'silent',
      SERVE_WEB: 'false',
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-only-secret-0123456789abcdefghijklmnop',
      QUEUE_PREFIX: `{lc-bench-${Date.now()}}`,
    },
    port,
    '/health',
  );
  const api = `http://127.0.0.1:${port}/api/v1`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const { key, hash, prefix } = generateApiKey();
  await db.query(
    `INSERT INTO api_keys (name, jurisdiction, scopes, key_hash, key_prefix) VALUES ('bench', 'beibei', $1, $2, $3)`,
    [['leads:write', 'changes:read'], hash, prefix],
  );
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const loads: number[] = [load1()];

  try {
    // --- 1. the API
    const batches = Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) =>
      JSON.stringify({
        items: Array.from({ length: Math.min(BATCH, TOTAL - b * BATCH) }, (_, i) => item(b * BATCH + i)),
      }),
    );
    let nextBatch = 0;
    let created = 0;
    const notCreated: unknown[] = [];
    // Warm-up: one small batch (JIT, connection pool), not counted.
    {
      const res = await fetch(`${api}/sync/leads`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ items: [{ ...item(0), externalRef: { system: 'warmup', id: 'W0' } }] }),
      });
      if (res.status !== 200) throw new Error(`warm-up PUT /sync/leads: ${res.status} ${await res.text()}`);
    }
    const apiCpu0 = cpuMs(server.child.pid);
    const pg0 = await backendCpu(db, dbName);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextBatch < batches.length) {
          const body = batches[nextBatch++];
          const res = await fetch(`${api}/sync/leads`, { method: 'PUT', headers, body });
          if (res.status !== 200) throw new Error(`PUT /sync/leads: ${res.status} ${await res.text()}`);
          const json = (await res.json()) as { results: { status: string }[] };
          created += json.results.filter((r) => r.status === 'created').length;
          notCreated.push(
            ...json.results.filter((r) => r.status !== 'created').slice(0, 3 - notCreated.length),
          );
        }
      }),
    );
    const apiSeconds = (performance.now() - t0) / 1000;
    const apiCpuMs = cpuMs(server.child.pid) - apiCpu0;
    const apiPgMs = cpuDelta(pg0, await backendCpu(db, dbName));
    loads.push(load1());
    if (created !== TOTAL)
      throw new Error(`expected ${TOTAL} created, got ${created}; for example ${JSON.stringify(notCreated)}`);

    // --- 2. COPY of the same rows into a scratch table (the floor: no validation, no triggers)
    await db.query(`CREATE TABLE bench_copy (LIKE leads INCLUDING DEFAULTS)`);
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
    const arr = (a: string[]) => `{${a.map((s) => `"${s}"`).join(',')}}`;
    const lines = function* () {
      for (let n = 0; n < TOTAL; n++) {
        const it = item(n);
        yield (
          [
            esc(it.title),
            esc(it.investor.name),
            esc(normaliseInvestorName(it.investor.name)),
            it.investor.country,
            esc(it.summary),
            arr(it.segments),
            arr(['ngit']),
            String(it.plannedInvestmentWan),
            it.stage,
            'beibei',
            it.sharing,
            'partner_system',
            esc(JSON.stringify(it.contacts)),
            esc(JSON.stringify([it.externalRef])),
          ].join('\t') + '\n'
        );
      }
    };
    const t1 = performance.now();
    await pipeline(
      Readable.from(lines()),
      db.query(
        copyFrom(`COPY bench_copy (title, investor_name, investor_norm, investor_country, summary, segments, industries,
          planned_investment_wan, stage, jurisdiction, sharing, source, contacts, external_refs) FROM STDIN`),
      ),
    );
    const copySeconds = (performance.now() - t1) / 1000;
    const copied = (await db.query(`SELECT count(*)::int AS n FROM bench_copy`)).rows[0].n;

    // --- 3. the whole feed
    const feedCpu0 = cpuMs(server.child.pid);
    const pg2 = await backendCpu(db, dbName);
    const t2 = performance.now();
    let cursor = '';
    let changes = 0;
    for (;;) {
      const res = await fetch(`${api}/sync/changes?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, {
        headers,
      });
      if (res.status !== 200) throw new Error(`GET /sync/changes: ${res.status} ${await res.text()}`);
      const page = (await res.json()) as { changes: unknown[]; nextCursor: string; hasMore: boolean };
      changes += page.changes.length;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const feedSeconds = (performance.now() - t2) / 1000;
    const feedCpuMs = cpuMs(server.child.pid) - feedCpu0;
    const feedPgMs = cpuDelta(pg2, await backendCpu(db, dbName));
    loads.push(load1());

    const apiRate = TOTAL / apiSeconds;
    const copyRate = copied / copySeconds;
    const feedRate = changes / feedSeconds;
    const per1000 = (ms: number, n: number) => ((ms * 1000) / n).toFixed(0);
    console.log(
      `leads pushed through PUT /sync/leads: ${TOTAL} in ${apiSeconds.toFixed(2)} s = ${Math.round(apiRate)} leads/s ` +
        `(batches of ${BATCH}, ${CONCURRENCY} in parallel); CPU per 1,000 leads: API process ` +
        `${per1000(apiCpuMs, TOTAL)} ms, Postgres ${per1000(apiPgMs, TOTAL)} ms`,
    );
    console.log(
      `same rows by COPY into a scratch table: ${copied} in ${copySeconds.toFixed(2)} s = ${Math.round(copyRate)} rows/s`,
    );
    console.log(`ratio COPY / API: ${(copyRate / apiRate).toFixed(2)}x`);
    console.log(
      `changes feed read: ${changes} changes in ${feedSeconds.toFixed(2)} s = ${Math.round(feedRate)} changes/s ` +
        `(limit 1000); CPU per 1,000 changes: API process ${per1000(feedCpuMs, changes)} ms, Postgres ` +
        `${per1000(feedPgMs, changes)} ms`,
    );
    console.log(
      `load average (1 min) at start / after push / after feed: ${loads.map((l) => l.toFixed(2)).join(' / ')}`,
    );
    console.log(
      `target API >= ${API_TARGET} leads/s: ${apiRate >= API_TARGET ? 'met' : 'MISSED'} (${Math.round(apiRate)}); ` +
        `target feed >= ${FEED_TARGET} changes/s: ${feedRate >= FEED_TARGET ? 'met' : 'MISSED'} (${Math.round(feedRate)})`,
    );
  } finally {
    await db.end();
    await server.stop();
    if (process.env.KEEP_BENCH_DB !== 'true') await dropDatabase(databaseUrl);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
