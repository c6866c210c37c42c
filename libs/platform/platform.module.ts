import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/config';
import { HealthService } from './health.service';
import { PlatformController } from './platform.controller';
import { QUEUE_REGISTRY, QueueRegistry } from './queues';
import { RateLimits } from './rate-limiter';
import { RequestRateLimit } from './request-rate-limit';
import { REDIS, createRedis } from './redis';

@Global()
@Module({
  controllers: [PlatformController],
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => createRedis(c.redisUrl, 'producer', 'api'),
    },
    // The limiters' store is chosen here (rate-limiter.ts): counters live in Redis.
    { provide: RateLimits, inject: [REDIS], useFactory: (r: Redis) => new RateLimits({ kind: 'redis', client: r }) },
    RequestRateLimit,
    {
      provide: QUEUE_REGISTRY,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new QueueRegistry(c.redisUrl, c.queuePrefix, 'producer'),
    },
    HealthService,
  ],
  exports: [REDIS, RateLimits, RequestRateLimit, QUEUE_REGISTRY, HealthService],
})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(QUEUE_REGISTRY) private readonly queues: QueueRegistry,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch(() => undefined);
    this.redis.disconnect();
  }
}
