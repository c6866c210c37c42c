import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/config';
import { HealthService } from './health.service';
import { QUEUE_REGISTRY, QueueRegistry } from './queues';
import { LimiterStore, RateLimits, limiterPool } from './rate-limiter';
import { REDIS, createRedis } from './redis';

/** The rate limits' store (rate-limiter.ts): Redis, or PostgreSQL when the queues run there. */
const LIMITER_STORE = Symbol('LIMITER_STORE');

@Global()
@Module({
  providers: [
    {
      // The API's Redis client; null when the queues run on PostgreSQL (no Redis connection at all).
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) =>
        c.queueBackend === 'redis' ? createRedis(c.redisUrl, 'producer', 'api') : null,
    },
    {
      provide: LIMITER_STORE,
      inject: [APP_CONFIG, REDIS],
      useFactory: (c: AppConfig, r: Redis | null): LimiterStore =>
        r ? { kind: 'redis', client: r } : { kind: 'postgres', pool: limiterPool(c.databaseUrl) },
    },
    { provide: RateLimits, inject: [LIMITER_STORE], useFactory: (s: LimiterStore) => new RateLimits(s) },
    {
      provide: QUEUE_REGISTRY,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => QueueRegistry.of(c, 'producer'),
    },
    HealthService,
  ],
  exports: [REDIS, RateLimits, QUEUE_REGISTRY, HealthService],
})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(LIMITER_STORE) private readonly limiterStore: LimiterStore,
    @Inject(QUEUE_REGISTRY) private readonly queues: QueueRegistry,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch(() => undefined);
    this.redis?.disconnect();
    if (this.limiterStore.kind === 'postgres') await this.limiterStore.pool.end().catch(() => undefined);
  }
}
