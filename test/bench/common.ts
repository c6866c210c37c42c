import { ChildProcess, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { loadavg } from 'os';
import { createServer } from 'net';
import { Client } from 'pg';
import { dropDatabase } from '../../libs/db/database';
import { prepareDatabase } from '../../libs/platform/prepare-database';
import { leadViewJsonSql } from '../../libs/leads/lead-policy';

// autocannon ships no type declarations.
const autocannon: (
  opts: unknown,
  cb: (err: Error | null, result: any) => void,
) => any = require('autocannon');

/**
 * Shared helpers of the benchmark scripts (`npm run bench:*`): a scratch database, child servers,
 * an autocannon run with exact percentiles, and printing. Benchmarks print results; they never
 * assert timings (STYLE: "Benchmarks are scripts with a printed result").
 */

export const BENCH_BASE_URL = process.env.BENCH_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** The URL of scratch database `name` on the local server (never a database a person uses). */
export function scratchDatabaseUrl(name: string): string {
  if (!/^liancheng_bench_[a-z0-9_]+$/.test(name))
    throw new Error(`scratch databases are liancheng_bench_*: ${name}`);
  return `${BENCH_BASE_URL}/${name}`;
}

/** Drops and recreates a scratch database, migrated and with reference data. */
export async function createScratchDatabase(name: string, log: (m: string) => void = say): Promise<string> {
  const url = scratchDatabaseUrl(name);
  await dropDatabase(url);
  await prepareDatabase(url, (m) => log(`  ${m}`));
  return url;
}

export async function dropScratchDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}

export async function withClient<T>(databaseUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: databaseUrl, application_name: 'liancheng-bench' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return NaN;
  }
}

/** The 1-minute load average: on a shared machine, say how busy it was while measuring. */
export function load1(): number {
  return loadavg()[0];
}

export function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** The p-th percentile (0..100) of ascending `sorted` values, nearest-rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

// ---------------------------------------------------------------------------------------------
// Processes and ports

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  name: string;
  port: number;
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` with `env` and waits until `readyPath` answers 200 on loopback. The child's
 * output is kept and shown if it dies early, so a broken build says why.
 */
export async function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
  timeoutMs = 120_000,
): Promise<ChildServer> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`${name} exited with ${exited} before it was ready:\n${output}`);
    try {
      const res = await fetch(base + readyPath);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready on ${base}${readyPath} after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    name,
    port,
    base,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** A bare Fastify server with one trivial route, in its own process like the API (the baseline). */
export function startBareFastify(port: number, databaseUrl?: string): Promise<ChildServer> {
  // With a database: also /bare-lead/:id, the floor of any GET /leads/:id: one pooled query of
  // the same rendered row, no framework, no authentication, no checks.
  const script = `
    const app = require('fastify')({ logger: false });
    app.get('/bare', async () => ({ ok: true }));
    if (process.env.DATABASE_URL) {
      const pool = new (require('pg').Pool)({ connectionString: process.env.DATABASE_URL, max: 20 });
      const sql = process.env.BARE_LEAD_SQL;
      app.get('/bare-lead/:id', async (req, reply) => {
        const r = await pool.query(sql, [req.params.id, 'beibei']);
        return reply.header('content-type', 'application/json; charset=utf-8').send(r.rows[0].view);
      });
    }
    app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
    process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
  `;
  const env: Record<string, string> = databaseUrl
    ? {
        DATABASE_URL: databaseUrl,
        BARE_LEAD_SQL: `SELECT version, ${leadViewJsonSql('$2')} AS view FROM leads
                         WHERE id = $1 AND (jurisdiction = $2 OR sharing = 'shared')`,
      }
    : {};
  return startChild('bare fastify', ['-e', script], env, port, '/bare');
}

// ---------------------------------------------------------------------------------------------
// Load

export interface LoadOptions {
  name: string;
  url: string;
  connections?: number;
  durationSeconds?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Path (with query) of request n; called for every request, so requests can rotate ids. */
  path: (n: number) => string;
  /** JSON body of request n (POST). */
  body?: (n: number) => unknown;
}

export interface LoadResult {
  name: string;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  statusCounts: Record<string, number>;
}

/**
 * One autocannon run on loopback. Latencies are recorded per response (autocannon's own summary
 * has no p95) and req/s counts 2xx responses only, so a failing endpoint cannot look fast.
 */
export function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let n = 0;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections ?? 32,
        duration: o.durationSeconds ?? 10,
        pipelining: 1,
        requests: [
          {
            method: o.method ?? 'GET',
            setupRequest: (req: any) => {
              const i = n++;
              const out: any = { ...req, path: o.path(i), headers: { ...(o.headers ?? {}) } };
              if (o.body) {
                out.body = JSON.stringify(o.body(i));
                out.headers['content-type'] = 'application/json';
              }
              return out;
            },
          },
        ],
      } as any,
      (err: Error | null, result: any) => {
        if (err) return reject(err);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        latencies.sort((a, b) => a - b);
        const ok = Object.entries(statusCounts)
          .filter(([s]) => s.startsWith('2'))
          .reduce((a, [, c]) => a + c, 0);
        resolve({
          name: o.name,
          requests: latencies.length,
          ok,
          non2xx: latencies.length - ok,
          errors: (result.errors ?? 0) + (result.timeouts ?? 0),
          rps: ok / Math.min(seconds, o.durationSeconds ?? 10),
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: latencies[latencies.length - 1] ?? NaN,
          statusCounts,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Printing

export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const width = (s: string) =>
    [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c + ' '.repeat(widths[i] - width(c)) : ' '.repeat(widths[i] - width(c)) + c))
      .join('  ');
  say(line(cells[0]));
  say(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) say(line(r));
}

export const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
