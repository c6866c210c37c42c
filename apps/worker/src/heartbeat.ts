import { statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** Where the worker writes its heartbeat (WORKER_HEARTBEAT_FILE); the health check reads it. */
export function heartbeatFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.WORKER_HEARTBEAT_FILE || join(tmpdir(), 'liancheng-worker.heartbeat');
}

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** Older than this, the worker is not healthy: six beats missed. */
export const HEARTBEAT_MAX_AGE_MS = 30_000;

/**
 * The worker's health for a container health check (docker/compose.yml): every few seconds the
 * worker checks that its queue workers run on a ready Redis connection and that Postgres answers,
 * and only then touches the heartbeat file. A stuck event loop, a lost queue connection or a
 * database outage all stop the beat; the check (healthcheck.ts) looks at its age.
 */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly healthy: () => Promise<boolean>,
    private readonly intervalMs = HEARTBEAT_INTERVAL_MS,
  ) {}

  start(): void {
    const beat = async () => {
      try {
        if (await this.healthy()) writeFileSync(this.file, `${new Date().toISOString()}\n`);
      } catch {
        /* no beat: the check will see it */
      }
    };
    void beat();
    this.timer = setInterval(() => void beat(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Whether the heartbeat file was written within `maxAgeMs`. */
export function heartbeatFresh(file: string, maxAgeMs = HEARTBEAT_MAX_AGE_MS, now = Date.now()): boolean {
  try {
    return now - statSync(file).mtimeMs <= maxAgeMs;
  } catch {
    return false;
  }
}
