import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/config';
import { AppError } from '../../../../libs/common/errors';
import { Limit, RateLimits, rateLimitHeaders } from '../../../../libs/platform/rate-limiter';

type CountedRequest = FastifyRequest & { rateCounted?: boolean };

/** A request that names a credential (Bearer token or API key), counted once it is authenticated. */
export function hasCredentials(req: FastifyRequest): boolean {
  return req.headers.authorization !== undefined || req.headers['x-api-key'] !== undefined;
}

/**
 * API_RATE_LIMIT (DESIGN §13): requests a minute per API key or user; requests without a valid
 * credential count per client address. Each request counts once and its response carries the
 * RateLimit-Policy / RateLimit fields (DESIGN §11); over the quota: 429 with Retry-After.
 * While the store is down each process counts on its own with the same quota: ordinary API calls
 * keep working (DESIGN §12) and nobody is unlimited. API_RATE_LIMIT=0 turns it off (no headers).
 */
@Injectable()
export class RequestRateLimit {
  private readonly limit: Limit | null;

  constructor(limits: RateLimits, @Inject(APP_CONFIG) config: AppConfig) {
    this.limit =
      config.apiRateLimit > 0
        ? limits.limit({
            name: 'api',
            quota: config.apiRateLimit,
            windowSeconds: 60,
            whenStoreDown: 'per-process',
          })
        : null;
  }

  /** Counts the request against the caller's own quota (an authenticated user or key). */
  byActor(req: FastifyRequest, reply: FastifyReply, actor: { type: string; id: string | null }) {
    return this.count(req, reply, `${actor.type}:${actor.id}`, true);
  }

  /** Counts the request against its client address (no credential, or one that failed). */
  byClient(req: FastifyRequest, reply: FastifyReply, enforce = true) {
    return this.count(req, reply, `ip:${req.ip}`, enforce);
  }

  /** Whether this request has been counted already (by the guard or the HTTP hook). */
  counted(req: FastifyRequest): boolean {
    return !this.limit || (req as CountedRequest).rateCounted === true;
  }

  private async count(req: FastifyRequest, reply: FastifyReply, key: string, enforce: boolean) {
    if (this.counted(req)) return;
    (req as CountedRequest).rateCounted = true;
    const state = await this.limit!.consume(key);
    void reply.headers(rateLimitHeaders([state]));
    if (!state.allowed && enforce) {
      throw new AppError(
        HttpStatus.TOO_MANY_REQUESTS,
        'RATE_LIMITED',
        `Over ${state.policy.quota} requests a minute`,
        undefined,
        { retryAfterSeconds: state.resetSeconds },
      );
    }
  }
}
