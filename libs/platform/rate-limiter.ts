import type { Redis } from 'ioredis';
import { Pool } from 'pg';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

/**
 * Rate limits (DESIGN §11, §13) on rate-limiter-flexible: every count is one atomic increment in the
 * shared store, so a limit holds across API instances and under parallel requests. This file is the
 * one place that chooses the store; the limits themselves are named policies.
 */

/**
 * Where counters live: Redis (production), or PostgreSQL when the queues run there too
 * (QUEUE_BACKEND=postgres: no Redis at all), table `rate_limit_counters` (its migration).
 */
export type LimiterStore = { kind: 'redis'; client: Redis } | { kind: 'postgres'; pool: Pool };

/**
 * The PostgreSQL store's pool: small and of its own, so counting never waits behind the app's
 * queries, and failing fast (2 s to connect, 2 s per statement) so a database that is away shows
 * up as an error (login: 503) rather than a request that hangs.
 */
export function limiterPool(databaseUrl: string): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: 4,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 2_000,
    query_timeout: 2_000,
    application_name: 'liancheng-rate-limits',
  });
  pool.on('error', () => undefined); // an idle connection that drops; the next query reconnects
  return pool;
}

export interface LimitPolicy {
  /** Policy name in the RateLimit headers, and the counters' key prefix. */
  name: string;
  /** Requests (or attempts) allowed per window. */
  quota: number;
  windowSeconds: number;
  /**
   * What happens while the store is unreachable:
   * - `refuse`: `consume` throws LimiterUnavailableError (login answers 503: never an unlimited check);
   * - `per-process`: each process counts in memory with the same quota, so users keep working
   *   (DESIGN §12: a Redis outage never fails a user's write) and no caller is ever unlimited.
   */
  whenStoreDown: 'refuse' | 'per-process';
}

export interface LimitState {
  policy: LimitPolicy;
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets (≥ 1). */
  resetSeconds: number;
}

/** The store cannot count right now and the policy refuses rather than run unlimited. */
export class LimiterUnavailableError extends Error {
  constructor(readonly policy: string, cause: unknown) {
    super(`rate limit store unavailable for ${policy}`);
    this.name = 'LimiterUnavailableError';
    this.cause = cause;
  }
}

function storeLimiter(store: LimiterStore, policy: LimitPolicy): RateLimiterAbstract {
  const common = {
    keyPrefix: `lc:rl:${policy.name}`,
    points: policy.quota,
    duration: policy.windowSeconds,
    insuranceLimiter:
      policy.whenStoreDown === 'per-process'
        ? new RateLimiterMemory({ points: policy.quota, duration: policy.windowSeconds })
        : undefined,
  };
  switch (store.kind) {
    case 'redis':
      // ioredis client (not the `redis` package); a connection that is not ready fails at once
      // instead of queueing the command, so an outage shows up as an error, not a hang.
      return new RateLimiterRedis({
        ...common,
        storeClient: store.client,
        useRedisPackage: false,
        rejectIfRedisNotReady: true,
      });
    case 'postgres':
      // One atomic upsert per count; the table comes from the migrations, never created here.
      return new RateLimiterPostgres({
        ...common,
        storeClient: store.pool,
        storeType: 'pool',
        tableName: 'rate_limit_counters',
        tableCreated: true,
        clearExpiredByTimeout: true,
      });
  }
}

const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** One named limit over the store. */
export class Limit {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    store: LimiterStore,
    readonly policy: LimitPolicy,
  ) {
    this.limiter = storeLimiter(store, policy);
  }

  /** Counts one attempt for `key` atomically; `allowed` is false once the quota is used up. */
  async consume(key: string): Promise<LimitState> {
    try {
      const res = await this.limiter.consume(key, 1);
      return this.state(res, true);
    } catch (e) {
      if (e instanceof RateLimiterRes) return this.state(e, false);
      throw new LimiterUnavailableError(this.policy.name, e);
    }
  }

  /** Gives back one attempt (e.g. a login that succeeded). Best effort. */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1).catch(() => undefined);
  }

  /** Forgets every attempt of `key`. Best effort. */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key).catch(() => undefined);
  }

  private state(res: RateLimiterRes, allowed: boolean): LimitState {
    return {
      policy: this.policy,
      allowed,
      remaining: Math.max(0, res.remainingPoints),
      resetSeconds: secondsOf(res.msBeforeNext),
    };
  }
}

/** Builds the limits of this process over one store (the Nest provider). */
export class RateLimits {
  constructor(private readonly store: LimiterStore) {}

  limit(policy: LimitPolicy): Limit {
    return new Limit(this.store, policy);
  }
}

/**
 * The RateLimit-Policy and RateLimit response fields of the IETF httpapi draft
 * (draft-ietf-httpapi-ratelimit-headers-10): `"api";q=6000;w=60` and `"api";r=5999;t=60`.
 */
export function rateLimitHeaders(states: readonly LimitState[]): Record<string, string> {
  return {
    'RateLimit-Policy': states
      .map((s) => `"${s.policy.name}";q=${s.policy.quota};w=${s.policy.windowSeconds}`)
      .join(', '),
    RateLimit: states.map((s) => `"${s.policy.name}";r=${s.remaining};t=${s.resetSeconds}`).join(', '),
  };
}
