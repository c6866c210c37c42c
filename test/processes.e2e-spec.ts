import { ChildProcess, spawn, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, utimesSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freeLoopbackPort } from './support/redis-server';
import { waitFor } from './support/wait';

// These specs run the built processes (`npm test` builds the server first).
const root = join(__dirname, '..');
const API = join(root, 'dist/apps/api/src/main.js');
const WORKER = join(root, 'dist/apps/worker/src/main.js');
const HEALTHCHECK = join(root, 'dist/apps/worker/src/healthcheck.js');

/** The worker container's health check command (docker/compose.yml), run as Docker would. */
function healthcheck(file: string): number | null {
  return spawnSync(process.execPath, [HEALTHCHECK], {
    env: { ...process.env, WORKER_HEARTBEAT_FILE: file },
    stdio: 'ignore',
  }).status;
}

function run(
  script: string,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build:server" first`);
  let out = '';
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('processes', () => {
  it.each([
    [API, { PORT: 'eighty' }, 'PORT'],
    [API, { DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [WORKER, { REDIS_URL: 'nope' }, 'REDIS_URL'],
    [API, { NODE_ENV: 'production', JWT_SECRET: '' }, 'JWT_SECRET'],
  ])('%s refuses to start with a bad %j, naming the variable', async (script, env, name) => {
    const p = run(script, env as Record<string, string>);
    expect(await p.exited).toBe(78);
    expect(p.output()).toContain(name);
  });

  it('the API listens on 127.0.0.1 unless HOST says otherwise', async () => {
    const port = await freeLoopbackPort();
    const p = run(API, { PORT: String(port), HOST: '', SERVE_WEB: 'false' });
    try {
      await waitFor('the API to listen', () => /listening on/.test(p.output()), 60_000);
      expect(p.output()).toContain(`listening on http://127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });

  it('the API logs one JSON line per request, with its id and status, and never the credential', async () => {
    const port = await freeLoopbackPort();
    const p = run(API, { PORT: String(port), SERVE_WEB: 'false', LOG_LEVEL: 'info' });
    try {
      await waitFor('the API to listen', () => /listening on/.test(p.output()), 60_000);
      const secret = 'not-a-real-token-but-secret';
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/leads?limit=1`, {
        headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'log-check-1' },
      });
      expect(res.status).toBe(401);
      await fetch(`http://127.0.0.1:${port}/health`);
      await waitFor('the request’s log line', () => /log-check-1/.test(p.output()), 10_000);
      const lines = p
        .output()
        .split('\n')
        .filter((l) => l.includes('"reqId"'))
        .map((l) => JSON.parse(l) as Record<string, any>);
      expect(lines).toHaveLength(1); // /health is not logged
      expect(lines[0]).toMatchObject({
        level: 40,
        service: 'api',
        msg: 'request completed',
        reqId: 'log-check-1',
        method: 'GET',
        url: '/api/v1/leads?limit=1',
        statusCode: 401,
      });
      expect(p.output()).not.toContain(secret);
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });

  it('the worker’s health check follows its heartbeat: healthy while it runs, not once it is gone', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lc-worker-')), 'heartbeat');
    expect(healthcheck(file)).toBe(1);
    const p = run(WORKER, { LOG_LEVEL: 'info', WORKER_HEARTBEAT_FILE: file });
    try {
      await waitFor('the first heartbeat', () => existsSync(file), 30_000);
      expect(healthcheck(file)).toBe(0);
      p.child.kill('SIGKILL');
      await p.exited;
      // A dead (or hung) worker writes no more beats: 31 s later the check fails.
      const old = (Date.now() - 31_000) / 1000;
      utimesSync(file, old, old);
      expect(healthcheck(file)).toBe(1);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });

  it('a worker whose Redis is unreachable never beats', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lc-worker-')), 'heartbeat');
    const p = run(WORKER, {
      WORKER_HEARTBEAT_FILE: file,
      REDIS_URL: `redis://127.0.0.1:${await freeLoopbackPort()}`,
    });
    try {
      await new Promise((r) => setTimeout(r, 8_000));
      expect(existsSync(file)).toBe(false);
      expect(healthcheck(file)).toBe(1);
    } finally {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  });

  it('the worker starts without HTTP and stops gracefully on SIGTERM', async () => {
    const p = run(WORKER, { LOG_LEVEL: 'info' });
    try {
      await waitFor('the worker to start', () => /worker started/.test(p.output()), 30_000);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.output()).toMatch(/SIGTERM: finishing active jobs/);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});
