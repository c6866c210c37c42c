#!/usr/bin/env node
/**
 * `npm start`: one command for a single machine (DESIGN §13). Builds the server and the web UI,
 * then runs the API (which creates the database, migrates and seeds reference data on first start)
 * and the worker side by side. SIGINT/SIGTERM stop both gracefully.
 * Set LIANCHENG_SKIP_BUILD=1 to start from an existing build.
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
let stopping = false;

function run(name, script) {
  const child = spawn(process.execPath, [path.join(root, script)], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping Liancheng\n`);
      stop('child-exit', code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  let left = children.filter((c) => c.exitCode === null).length;
  if (!left) process.exit(code);
  for (const c of children) c.on('exit', () => --left === 0 && process.exit(code));
  setTimeout(() => process.exit(code), 30_000).unref();
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

// The API prepares the database; the worker waits for it by preparing too (idempotent, locked).
run('api', 'dist/apps/api/src/main.js');
run('worker', 'dist/apps/worker/src/main.js');
