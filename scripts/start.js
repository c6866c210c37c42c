#!/usr/bin/env node
/**
 * `npm start`: one command for a single machine (DESIGN §13). Builds the server and the web UI,
 * finds the database (libs/db/embedded.ts: DATABASE_URL, else PostgreSQL on 127.0.0.1:5432, else
 * the embedded PostgreSQL with its data under LIANCHENG_DATA_DIR), then runs the API (which
 * creates the database, migrates and seeds reference data on first start) and the worker side by
 * side. SIGINT/SIGTERM, or either process exiting, stop both gracefully and the embedded database
 * last. Set LIANCHENG_SKIP_BUILD=1 to start from an existing build.
 */
const { spawn, spawnSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (process.env.LIANCHENG_SKIP_BUILD !== '1') {
  const t0 = Date.now();
  process.stdout.write('Building Liancheng (server and web UI)…\n');
  const build = spawnSync(npm, ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  process.stdout.write(`Built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

const children = [];
let database = null;
let stopping = false;
let exitCode = 0;

function run(name, script, env) {
  const child = spawn(process.execPath, [path.join(root, script)], { cwd: root, stdio: 'inherit', env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping Liancheng\n`);
      stop(code || 1);
    }
  });
  children.push(child);
  return child;
}

async function stopDatabase() {
  if (!database) return;
  try {
    await database.stop();
  } catch (e) {
    process.stderr.write(`Stopping the embedded PostgreSQL failed: ${e.message}\n`);
  }
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  // Still resolving the database: main() stops it once it is up.
  if (!database) return;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  const alive = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
  const finish = async () => {
    await stopDatabase();
    process.exit(exitCode);
  };
  if (!alive().length) return void finish();
  let left = alive().length;
  for (const c of alive()) c.on('exit', () => --left === 0 && finish());
  // The worker finishes its active jobs; past 30 s the processes are killed, the database still stopped.
  setTimeout(() => {
    for (const c of alive()) c.kill('SIGKILL');
    setTimeout(finish, 1_000);
  }, 30_000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

async function main() {
  const { resolveDatabase } = require(path.join(root, 'dist/libs/db/embedded.js'));
  const resolved = await resolveDatabase(process.env, {
    root,
    log: (m) => process.stdout.write(`${m}\n`),
  });
  database = resolved;
  if (stopping) {
    // A signal came while the database started.
    stopping = false;
    return stop(exitCode);
  }
  resolved.onUnexpectedExit(() => {
    process.stderr.write('The embedded PostgreSQL exited; stopping Liancheng\n');
    stop(1);
  });
  const env = { ...process.env, DATABASE_URL: resolved.url };
  // The queue store is decided once here, so the API and the worker can never end up on different
  // ones (each would otherwise probe for a local Redis by itself).
  if (!env.QUEUE_BACKEND && !env.REDIS_URL) {
    const { tcpAnswers } = require(path.join(root, 'dist/libs/config/config.js'));
    env.QUEUE_BACKEND = (await tcpAnswers('127.0.0.1', 6379)) ? 'redis' : 'postgres';
    process.stdout.write(`Queues: ${env.QUEUE_BACKEND === 'redis' ? 'Redis on 127.0.0.1:6379' : 'PostgreSQL'}\n`);
  }
  // The API prepares the database; the worker waits for it by preparing too (idempotent, locked).
  run('api', 'dist/apps/api/src/main.js', env);
  run('worker', 'dist/apps/worker/src/main.js', env);
}

main().catch((e) => {
  process.stderr.write(`Liancheng failed to start: ${e.stack ?? e}\n`);
  process.exit(1);
});
