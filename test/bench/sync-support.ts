import 'reflect-metadata';
import { readFileSync } from 'fs';
import { Client } from 'pg';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadConfig } from '../../libs/config/config';

/**
 * Helpers of `npm run bench:sync` (test/bench/sync.ts) that common.ts does not have.
 *
 * Run as a script (`node sync-support.js`), this file is the API server of the benchmark: the app
 * of apps/api on DATABASE_URL and PORT, without migrating (the bench prepared the database), so
 * the bench can start it as a child process, read its CPU time from /proc and profile it with
 * BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
 */

/** CPU time (user + system, ms) of a process from /proc; NaN if it is gone. */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU time used so far by the Postgres backends serving `database` (every connection but the
 * caller's own), per backend pid. Differences of two snapshots give the database's share of a
 * phase; a backend that appeared in between counts from zero.
 */
export async function backendCpu(db: Client, database: string): Promise<Map<number, number>> {
  const { rows } = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database],
  );
  return new Map(rows.map((r) => [r.pid, procCpuMs(r.pid)]));
}

export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) if (Number.isFinite(ms)) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function serve(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen({ port: config.port, host: '127.0.0.1' });
  const stop = () => {
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module && process.argv[2] !== 'statements') {
  serve().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

/**
 * `node sync-support.js statements <server log> [database]`: sums the auto_explain durations of a
 * BENCH_PG_LOG_STATEMENTS=1 run per statement (first line of the query text), largest first.
 */
function statements(logFile: string, database?: string): void {
  const text = readFileSync(logFile, 'utf8');
  const sums = new Map<string, { ms: number; n: number }>();
  for (const block of text.split(/\n(?=\d{4}-\d\d-\d\d [^\n]*LOG: {2}duration: )/)) {
    const m = /LOG: {2}duration: ([\d.]+) ms/.exec(block);
    if (!m || (database && !block.includes(`@${database} `))) continue;
    const q =
      /Query Text: ([\s\S]*?)\n\s*(?:Insert|Update|Delete|Result|Seq|Index|Bitmap|Nested|Hash|Sort|Limit|Aggregate|Function|CTE|Merge|Unique|Append|Subquery|LockRows|Gather|WindowAgg|HashAggregate|GroupAggregate|SetOp|ProjectSet|Memoize|Materialize|Custom)/.exec(
        block,
      );
    const key = (q ? q[1] : '?').replace(/\s+/g, ' ').trim().slice(0, 110);
    const cur = sums.get(key) ?? { ms: 0, n: 0 };
    cur.ms += Number(m[1]);
    cur.n++;
    sums.set(key, cur);
  }
  const total = [...sums.values()].reduce((a, b) => a + b.ms, 0);
  console.log(`total ${total.toFixed(0)} ms in ${sums.size} statements`);
  for (const [k, v] of [...sums].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30))
    console.log(`${v.ms.toFixed(0).padStart(8)} ms ${String(v.n).padStart(6)}×  ${k}`);
}

if (require.main === module && process.argv[2] === 'statements') statements(process.argv[3], process.argv[4]);
