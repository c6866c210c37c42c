import { ChildProcess, spawn } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';

// These specs run the built processes (`npm test` builds the server first).
const root = join(__dirname, '..');
const API = join(root, 'dist/apps/api/src/main.js');
const WORKER = join(root, 'dist/apps/worker/src/main.js');

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

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
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

  it('the worker starts without HTTP and stops gracefully on SIGTERM', async () => {
    const p = run(WORKER, { LOG_LEVEL: 'info' });
    try {
      await waitFor(() => /worker started/.test(p.output()), 30_000);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.output()).toMatch(/SIGTERM: finishing active jobs/);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});
