import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { RequestRateLimit } from './request-rate-limit';

/**
 * The request pipeline shared by every route: the one guard (authentication, rate limit, access
 * rule) and the rate limit the HTTP hooks of bootstrap.ts count with.
 */
@Global()
@Module({
  providers: [RequestRateLimit, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [RequestRateLimit],
})
export class HttpModule {}
