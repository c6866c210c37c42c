import 'reflect-metadata';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { generateDataset, GENERATOR_PASSWORD } from '../data/generator';
import {
  ChildServer,
  createScratchDatabase,
  cpuMs,
  dropScratchDatabase,
  freePort,
  printTable,
  say,
  scratchDatabaseUrl,
  startChild,
  withClient,
} from './common';

/**
 * `npm run bench:export`: GET /api/v1/leads/export of N leads (BENCH_LEADS, default 1,000,000),
 * as CSV and as a workbook, over real HTTP from the API in a child process; prints rows/s, bytes
 * and the API process's peak resident memory during each export (sampled from /proc every 50 ms,
 * and the kernel's high-water mark VmHWM). The leads come from the bench data generator into
 * liancheng_bench_export, or BENCH_DB (BENCH_REUSE=1 reuses one loaded with at least N leads;
 * KEEP_BENCH_DB=true keeps it after the run).
 */
const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const ENTERPRISES = Number(process.env.BENCH_ENTERPRISES ?? 2_000);
/** BENCH_DB names another liancheng_bench_* database (two worktrees measuring at once). */
const DB_NAME = process.env.BENCH_DB ?? 'liancheng_bench_export';
const API_MAIN = join(__dirname, '..', '..', '..', 'apps', 'api', 'src', 'main.js');

function memKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run npm run build:server first`);
  const url = scratchDatabaseUrl(DB_NAME);
  const loaded =
    process.env.BENCH_REUSE === '1'
      ? await withClient(
          url,
          async (c) => (await c.query(`SELECT count(*)::int AS n FROM leads`)).rows[0].n as number,
        ).catch(() => 0)
      : 0;
  if (loaded >= LEADS) say(`reusing ${DB_NAME}: ${loaded} leads`);
  else {
    say(`creating ${DB_NAME} with ${LEADS} leads…`);
    await createScratchDatabase(DB_NAME);
    const started = Date.now();
    await generateDataset(url, { enterprises: ENTERPRISES, leads: LEADS, log: (m) => say(`  ${m}`) });
    say(`loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const manager = await withClient(url, async (c) => {
    const r = await c.query(
      `SELECT username FROM users WHERE jurisdiction = 'beibei' AND role = 'manager' LIMIT 1`,
    );
    return r.rows[0].username as string;
  });
  const visible = await withClient(url, async (c) => {
    const r = await c.query(
      `SELECT count(*)::int AS n FROM leads WHERE jurisdiction = 'beibei' OR sharing = 'shared'`,
    );
    return r.rows[0].n as number;
  });
  const port = await freePort();
  let api: ChildServer | null = null;
  const results: (string | number)[][] = [];
  try {
    api = await startChild(
      'api',
      [API_MAIN],
      {
        DATABASE_URL: url,
        API_RATE_LIMIT: '0',
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        SERVE_WEB: 'false',
        NODE_ENV: 'production',
        JWT_SECRET: 'bench-only-secret-0123456789abcdefghijklmnop',
      },
      port,
      '/health',
    );
    const pid = api.child.pid!;
    for (const format of ['csv', 'xlsx'] as const) {
      const login = await fetch(`${api.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: manager, password: GENERATOR_PASSWORD }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const rssBefore = memKb(pid, 'VmRSS');
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, memKb(pid, 'VmRSS'))), 50);
      const cpu0 = cpuMs(pid);
      const t0 = Date.now();
      const res = await fetch(`${api.base}/api/v1/leads/export?format=${format}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      if (res.status !== 200) throw new Error(`export ${format}: ${res.status} ${await res.text()}`);
      let bytes = 0;
      let newlines = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        if (format === 'csv') for (const b of chunk) if (b === 10) newlines++;
      }
      const seconds = (Date.now() - t0) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, memKb(pid, 'VmRSS'));
      // CSV: one line per row after the header (no field of a generated lead holds a line break).
      const rows = format === 'csv' ? newlines - 1 : visible;
      say(`${format}: ${rows} rows in ${seconds.toFixed(1)} s`);
      results.push([
        format,
        rows,
        Math.round(rows / seconds),
        (bytes / 1e6).toFixed(1),
        seconds.toFixed(1),
        Math.round((cpuMs(pid) - cpu0) / 1000),
        Math.round(rssBefore / 1024),
        Math.round(peak / 1024),
        Math.round(memKb(pid, 'VmHWM') / 1024),
      ]);
    }
  } finally {
    await api?.stop();
    if (process.env.KEEP_BENCH_DB !== 'true') await dropScratchDatabase(url);
  }
  say('');
  say(`GET /leads/export of ${visible} leads visible to a Beibei manager (${LEADS} generated):`);
  printTable(
    ['format', 'rows', 'rows/s', 'MB', 's', 'API CPU s', 'RSS before MB', 'peak RSS MB', 'VmHWM MB'],
    results,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
