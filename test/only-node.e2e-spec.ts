import { ChildProcess, spawn } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freeLoopbackPort } from './support/redis-server';

/**
 * The whole product on a machine with only Node.js (README, "Quick start"): the real `npm start`
 * (scripts/start.js, from the build `npm test` makes first) on the embedded PostgreSQL in a fresh
 * data directory, the queues in that PostgreSQL and no Redis anywhere; the demo seed finds the
 * same server; a lead gets matched; after a restart everything is still there, and nothing of it
 * keeps running once it is stopped.
 */
jest.setTimeout(600_000);

const root = join(__dirname, '..');
const START = join(root, 'scripts/start.js');
const SEED = join(root, 'dist/scripts/seed-demo.js');

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[], env: NodeJS.ProcessEnv): Launched {
  let out = '';
  // Its own process group, so that afterAll can end the launcher and its children together.
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The launcher's child processes (Linux /proc): the API, the worker and PostgreSQL. */
function childrenOf(parent: number): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      found.push({
        pid: Number(entry),
        cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '),
      });
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

async function waitUntil(what: string, ms: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('only Node.js: embedded PostgreSQL, queues on PostgreSQL, no Redis', () => {
  let dataDir: string;
  let port: number;
  let base: string;
  let running: Launched | null = null;
  const launched: Launched[] = [];
  const postmasters = new Set<number>();

  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: 'embedded',
      LIANCHENG_DATA_DIR: dataDir,
      QUEUE_BACKEND: 'postgres',
      LIANCHENG_SKIP_BUILD: '1',
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      MATCH_SWEEP_MS: '5000',
      SERVE_WEB: 'true',
    };
    delete e.REDIS_URL;
    delete e.JWT_SECRET;
    return e;
  };
  const state = (): { port: number; pid?: number; users?: number[]; url?: string } =>
    JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8'));

  const start = async (): Promise<Launched> => {
    const p = launch([START], env());
    launched.push(p);
    running = p;
    await waitUntil('API healthy', 300_000, async () => {
      if (p.child.exitCode !== null) throw new Error(`npm start exited early:\n${p.output()}`);
      try {
        return (await fetch(`${base}/health`)).status === 200;
      } catch {
        return false;
      }
    });
    postmasters.add(state().pid!);
    return p;
  };

  const stop = async (p: Launched): Promise<number | null> => {
    p.child.kill('SIGTERM');
    const code = await within('npm start stopping', 90_000, p.exited);
    running = null;
    return code;
  };

  const seed = async (): Promise<{ code: number | null; output: string }> => {
    const p = launch([SEED], env());
    launched.push(p);
    const code = await within('seed:demo', 300_000, p.exited);
    return { code, output: p.output() };
  };

  const login = async (username: string): Promise<Record<string, string>> => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'liancheng-demo' }),
    });
    expect(res.status).toBe(200);
    const { accessToken } = (await res.json()) as { accessToken: string };
    return { Authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  };

  beforeAll(async () => {
    for (const f of [SEED, join(root, 'dist/libs/db/embedded.js'), join(root, 'apps/web/dist/index.html')]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run "npm run build" first`);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'lc-only-node-'));
    // Run as root, PostgreSQL runs as the "postgres" user, who must be able to enter it.
    chmodSync(dataDir, 0o755);
    port = await freeLoopbackPort();
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const p of launched) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      try {
        process.kill(-p.child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      await within('stopping', 60_000, p.exited).catch(() => process.kill(-p.child.pid!, 'SIGKILL'));
    }
    for (const pid of postmasters) {
      if (!alive(pid)) continue;
      process.kill(pid, 'SIGINT');
      await waitUntil('PostgreSQL stopping', 30_000, () => !alive(pid)).catch(() =>
        process.kill(pid, 'SIGKILL'),
      );
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  let leadId: string;
  let title: string;

  it('starts from an empty data directory: database created and migrated, queues on PostgreSQL, UI served', async () => {
    await start();
    const ui = await fetch(`${base}/`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    expect(await ui.text()).toContain('<div id="root">');
    const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', queueBackend: 'postgres' });
    expect(JSON.stringify(health)).not.toMatch(/redis/i);
    const s = state();
    expect(s.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${s.port}/liancheng$`));
    expect(s.port).not.toBe(5432);
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  });

  it('the demo seed uses the running server (no second one) and leaves it running', async () => {
    const before = state();
    const { code, output } = await seed();
    expect(output).toContain(`127.0.0.1:${before.port}/liancheng`);
    expect(code).toBe(0);
    expect(output).toContain('Using the embedded PostgreSQL already running');
    // The seed has left; the server stays with `npm start`, its only user.
    expect(state()).toMatchObject({ pid: before.pid, users: [running!.child.pid] });
    expect(alive(before.pid!)).toBe(true);
  });

  it('a demo user signs in, creates a lead over HTTP, and the worker matches it', async () => {
    const auth = await login('beibei.officer');
    title = `新能源电池项目 ${Date.now()}`;
    const created = await fetch(`${base}/api/v1/leads`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        title,
        investor: { name: `只用节点电池科技有限公司${Date.now()}` },
        segments: ['nev.battery-cell'],
        plannedInvestmentWan: 50000,
      }),
    });
    expect(created.status).toBe(201);
    leadId = ((await created.json()) as { id: string }).id;

    let matches: { status: string; partners: unknown[] } = { status: 'pending', partners: [] };
    await waitUntil('lead matched', 120_000, async () => {
      const res = await fetch(`${base}/api/v1/leads/${leadId}/matches`, { headers: auth });
      expect(res.status).toBe(200);
      matches = (await res.json()) as typeof matches;
      return matches.status === 'ready';
    });
    // The demo enterprises include battery-cell suppliers and buyers in both cities.
    expect(matches.partners.length).toBeGreaterThan(0);
  });

  it('stops cleanly: launcher exits 0, API, worker and PostgreSQL are all gone', async () => {
    const { pid } = state();
    const children = childrenOf(running!.child.pid!);
    expect(children.map((c) => c.pid).sort()).toEqual(
      [
        pid,
        children.find((c) => c.cmd.includes('apps/api/src/main.js'))?.pid,
        children.find((c) => c.cmd.includes('apps/worker/src/main.js'))?.pid,
      ].sort(),
    );
    expect(await stop(running!)).toBe(0);
    for (const c of children) expect(alive(c.pid)).toBe(false);
    expect(state().pid).toBeUndefined();
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });

  it('a script run while nothing runs starts the server itself and stops it when done', async () => {
    const { code, output } = await seed();
    expect(code).toBe(0);
    expect(output).toContain('Nothing to do: the demo data is already there.');
    expect(output).toContain('Embedded PostgreSQL stopped');
    expect(state().pid).toBeUndefined();
  });

  it('after a restart the data is all there and matching still works', async () => {
    const first = state().port;
    await start();
    expect(state().port).toBe(first);
    const auth = await login('beibei.officer');
    const lead = await fetch(`${base}/api/v1/leads/${leadId}`, { headers: auth });
    expect(lead.status).toBe(200);
    expect(((await lead.json()) as { title: string }).title).toBe(title);
    const matches = await fetch(`${base}/api/v1/leads/${leadId}/matches`, { headers: auth });
    expect(((await matches.json()) as { status: string }).status).toBe('ready');

    const again = await fetch(`${base}/api/v1/leads`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        title: `${title} 二期`,
        investor: { name: `只用节点电池二期科技有限公司${Date.now()}` },
        segments: ['nev.battery-cell'],
      }),
    });
    expect(again.status).toBe(201);
    const secondId = ((await again.json()) as { id: string }).id;
    await waitUntil('second lead matched', 120_000, async () => {
      const res = await fetch(`${base}/api/v1/leads/${secondId}/matches`, { headers: auth });
      return ((await res.json()) as { status: string }).status === 'ready';
    });

    const { pid } = state();
    expect(await stop(running!)).toBe(0);
    expect(alive(pid!)).toBe(false);
  });

  it('a crashed API stops the rest: launcher exits non-zero, worker and PostgreSQL stopped', async () => {
    const p = await start();
    const { pid } = state();
    const children = childrenOf(p.child.pid!);
    const api = children.filter((c) => c.cmd.includes('apps/api/src/main.js'));
    expect(api).toHaveLength(1);
    process.kill(api[0].pid, 'SIGKILL');
    expect(await within('launcher after the crash', 90_000, p.exited)).not.toBe(0);
    running = null;
    for (const c of children) expect(alive(c.pid)).toBe(false);
    expect(alive(pid!)).toBe(false);
    expect(p.output()).toContain('api exited');
  });
});
