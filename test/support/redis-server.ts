import { ChildProcess, spawn } from 'child_process';
import { createServer } from 'net';
import IORedis from 'ioredis';

/** A loopback port nobody listens on right now. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  url: string;
  /** Kills the server (SIGKILL): Redis is down for whoever uses `url`. */
  kill(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free loopback port, so a test can take Redis down without
 * touching the shared one.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freeLoopbackPort();
  const url = `redis://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      if (probe.status !== 'ready') await probe.connect();
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      probe.disconnect();
    }
    if (Date.now() > until) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.disconnect();
  return {
    url,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
