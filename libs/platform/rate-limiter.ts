import type { Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`;

/**
 * Fixed-window counters in Redis, so a limit holds across API instances.
 * When Redis is unreachable the limiter lets the request through: a Redis outage must not
 * take the whole API down with it (DESIGN §12).
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'lc:rl:',
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    try {
      const [count, ttl] = (await this.redis.eval(SCRIPT, 1, this.prefix + key, String(windowMs))) as [
        number,
        number,
      ];
      return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    } catch {
      return { allowed: true, count: 0, retryAfterSeconds: 0 };
    }
  }

  /** Current count and seconds left in the window, without counting. */
  async peek(key: string): Promise<{ count: number; retryAfterSeconds: number }> {
    try {
      const [count, ttl] = await Promise.all([
        this.redis.get(this.prefix + key),
        this.redis.pttl(this.prefix + key),
      ]);
      return { count: Number(count ?? 0), retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    } catch {
      return { count: 0, retryAfterSeconds: 0 };
    }
  }

  async reset(key: string): Promise<void> {
    try {
      await this.redis.del(this.prefix + key);
    } catch {
      /* best effort */
    }
  }
}
