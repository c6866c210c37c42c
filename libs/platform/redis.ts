import type { ConnectionOptions } from 'bullmq';
import IORedis, { Redis, RedisOptions } from 'ioredis';

export const REDIS = Symbol('REDIS');

/**
 * Production-safe Redis connections (DESIGN §12):
 * - `producer`: for request paths. Fails fast (no offline queue, one retry) so a Redis outage
 *   surfaces as an error the caller can handle instead of a request that hangs.
 * - `worker`: for BullMQ workers. Never gives up reconnecting and never fails a command for
 *   retries (BullMQ requires maxRetriesPerRequest: null for blocking commands).
 */
export function createRedis(url: string, role: 'producer' | 'worker', name = 'liancheng'): Redis {
  const base: RedisOptions = {
    connectionName: `${name}-${role}`,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  };
  const options: RedisOptions =
    role === 'producer'
      ? {
          ...base,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2_000,
          commandTimeout: 2_000,
        }
      : { ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
  const client = new IORedis(url, options);
  client.on('error', () => {
    /* reported through /health and the retry strategy; an unhandled 'error' event would crash */
  });
  return client;
}

/** Connection options for BullMQ Queue (producer side) and Worker. */
export function bullConnection(url: string, role: 'producer' | 'worker'): ConnectionOptions {
  const u = new URL(url);
  const common: Record<string, unknown> = {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    retryStrategy: (times: number) => Math.min(times * 200, 5_000),
  };
  return role === 'producer'
    ? ({
        ...common,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 2_000,
      } as ConnectionOptions)
    : ({ ...common, maxRetriesPerRequest: null } as ConnectionOptions);
}

/** `maxmemory-policy` must be noeviction or BullMQ may silently lose jobs (DESIGN §12). */
export async function evictionPolicy(redis: Redis): Promise<string | null> {
  try {
    const res = (await redis.config('GET', 'maxmemory-policy')) as string[];
    return res?.[1] ?? null;
  } catch {
    return null; // CONFIG may be disabled on managed Redis; cannot tell
  }
}
