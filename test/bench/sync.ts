/* eslint-disable no-console -- a benchmark prints its result */
import 'reflect-metadata';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'stream/promises';
import { Readable } from 'stream';
import type { AddressInfo } from 'net';
import { createApp } from '../../apps/api/src/bootstrap';
import { normaliseInvestorName } from '../../libs/collisions/investor-name';
import { loadConfig } from '../../libs/config/config';
import { dropDatabase } from '../../libs/db/database';
import { prepareDatabase } from '../../libs/db/prepare';
import { generateApiKey } from '../../libs/identity/secrets';

/**
 * `npm run bench:sync` (issue 5): 100,000 leads through PUT /api/v1/sync/leads in batches of
 * 1,000 over real HTTP, the same rows COPYed into a scratch table for comparison, then the whole
 * changes feed read back. Uses its own database (dropped at the end unless KEEP_BENCH_DB=true).
 * BENCH_LEADS, BENCH_CONCURRENCY (parallel batches, default 2) tune it.
 */
const TOTAL = Number(process.env.BENCH_LEADS ?? 100_000);
const BATCH = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const SEGMENTS = [['ngit.ic-design'], ['ngit.ic-fab', 'ngit.semi-materials'], ['ngit.semi-equipment']];

function item(n: number) {
  return {
    externalRef: { system: 'bench', id: `B${n}` },
    title: `基准项目 ${n}`,
    investor: { name: `基准投资 ${n} 有限公司`, country: 'CN' },
    summary: `bench lead ${n}`,
    segments: SEGMENTS[n % SEGMENTS.length],
    plannedInvestmentWan: 1000 + (n % 5000),
    stage: n % 10 === 0 ? 'signed' : 'lead',
    sharing: n % 3 === 0 ? 'shared' : 'private',
    contacts: n % 4 === 0 ? [{ name: `联系人${n}`, phone: '13800000000' }] : [],
  };
}

async function main(): Promise<void> {
  const base = process.env.BENCH_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const databaseUrl = `${base}/liancheng_bench_sync_${Date.now()}`;
  await prepareDatabase(databaseUrl);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    API_RATE_LIMIT: '0',
    LOG_LEVEL: 'silent',
    SERVE_WEB: 'false',
    QUEUE_PREFIX: `{lc-bench-${Date.now()}}`,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const api = `http://127.0.0.1:${port}/api/v1`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const { key, hash, prefix } = generateApiKey();
  await db.query(
    `INSERT INTO api_keys (name, jurisdiction, scopes, key_hash, key_prefix) VALUES ('bench', 'beibei', $1, $2, $3)`,
    [['leads:write', 'changes:read'], hash, prefix],
  );
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

  try {
    // --- 1. the API
    const batches = Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) =>
      JSON.stringify({
        items: Array.from({ length: Math.min(BATCH, TOTAL - b * BATCH) }, (_, i) => item(b * BATCH + i)),
      }),
    );
    let nextBatch = 0;
    let created = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextBatch < batches.length) {
          const body = batches[nextBatch++];
          const res = await fetch(`${api}/sync/leads`, { method: 'PUT', headers, body });
          if (res.status !== 200) throw new Error(`PUT /sync/leads: ${res.status} ${await res.text()}`);
          const json = (await res.json()) as { results: { status: string }[] };
          created += json.results.filter((r) => r.status === 'created').length;
        }
      }),
    );
    const apiSeconds = (performance.now() - t0) / 1000;
    if (created !== TOTAL) throw new Error(`expected ${TOTAL} created, got ${created}`);

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

    const apiRate = TOTAL / apiSeconds;
    const copyRate = copied / copySeconds;
    console.log(
      `leads pushed through PUT /sync/leads: ${TOTAL} in ${apiSeconds.toFixed(2)} s = ${Math.round(apiRate)} leads/s (batches of ${BATCH}, ${CONCURRENCY} in parallel)`,
    );
    console.log(
      `same rows by COPY into a scratch table: ${copied} in ${copySeconds.toFixed(2)} s = ${Math.round(copyRate)} rows/s`,
    );
    console.log(`ratio COPY / API: ${(copyRate / apiRate).toFixed(2)}x`);
    console.log(
      `changes feed read: ${changes} changes in ${feedSeconds.toFixed(2)} s = ${Math.round(changes / feedSeconds)} changes/s (limit 1000)`,
    );
    console.log(
      `targets: API >= 10000 leads/s ${apiRate >= 10_000 ? 'MET' : 'NOT MET'}; feed >= 20000 changes/s ${changes / feedSeconds >= 20_000 ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await db.end();
    await app.close();
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
