import { ChildProcess, spawn } from 'child_process';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freePort, load1, percentile, printTable, say } from './common';

/**
 * `npm run bench:start`: seconds from `npm start` (scripts/start.js, LIANCHENG_SKIP_BUILD=1, the
 * build must exist) to `GET /health` answering 200 on the embedded PostgreSQL with the queues in
 * it: the first start (empty data directory: initdb, migrations, reference data) and restarts of
 * the same data directory (`npm run bench:start` builds the server first). Prints medians of BENCH_RUNS (default 3) data directories, each started
 * once fresh and BENCH_RESTARTS (default 3) times again.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RESTARTS = Number(process.env.BENCH_RESTARTS ?? 3);
const root = join(__dirname, '..', '..', '..', '..');

async function timeToHealthy(dataDir: string, port: number): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: 'embedded',
    LIANCHENG_DATA_DIR: dataDir,
    QUEUE_BACKEND: 'postgres',
    LIANCHENG_SKIP_BUILD: '1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    SERVE_WEB: 'false',
  };
  delete env.REDIS_URL;
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [join(root, 'scripts/start.js')], {
    cwd: root,
    env,
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (performance.now() - t0 > 300_000) throw new Error('not healthy within 300 s');
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200)
          return (performance.now() - t0) / 1000;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const first: number[] = [];
  const again: number[] = [];
  say(`bench:start: ${RUNS} fresh data directories, ${RESTARTS} restarts each; load ${load1().toFixed(2)}`);
  for (let run = 0; run < RUNS; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-start-'));
    chmodSync(dataDir, 0o755); // entered by the "postgres" user when run as root
    try {
      const port = await freePort();
      first.push(await timeToHealthy(dataDir, port));
      for (let i = 0; i < RESTARTS; i++) again.push(await timeToHealthy(dataDir, port));
      say(
        `  run ${run + 1}: first ${first.at(-1)!.toFixed(2)} s, restarts ${again
          .slice(-RESTARTS)
          .map((s) => s.toFixed(2))
          .join(' ')} s`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  const s = (v: number) => v.toFixed(2);
  printTable(
    ['start', 'runs', 'median s', 'min s', 'max s'],
    [
      [
        'first (empty data dir)',
        first.length,
        s(median(first)),
        s(Math.min(...first)),
        s(Math.max(...first)),
      ],
      ['restart', again.length, s(median(again)), s(Math.min(...again)), s(Math.max(...again))],
    ],
  );
  say(`load after: ${load1().toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
