import { DynamicModule, Global, Module } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { LoggerModule, Params, PinoLogger } from 'nestjs-pino';
import type { ContextRequest } from './ctx.decorator';

/**
 * nestjs-pino's loggers for the application's own logs, without its per-request middleware: that
 * middleware runs pino-http, which builds two child loggers (serialising and redacting the request)
 * on every request even when nothing is logged. Requests are logged once each by `logRequests`.
 */
@Global()
@Module({})
export class ApiLoggerModule {
  static forRoot(params: Params): DynamicModule {
    const { providers, exports } = LoggerModule.forRoot(params);
    return { module: ApiLoggerModule, providers, exports };
  }
}

const UNLOGGED = new Set(['/health', '/metrics']);

/**
 * One line per answered request, after it has gone out: method, path, status, time and who asked
 * (never a credential: headers are not logged). 5xx at level error, 4xx at warn.
 */
export function logRequests(fastify: FastifyInstance): void {
  const log = PinoLogger.root;
  if (!log) throw new Error('the root logger is made with the application: create the app first');
  fastify.addHook('onResponse', (req, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (log.isLevelEnabled(level) && !UNLOGGED.has(req.url)) {
      const actor = (req as ContextRequest).ctx?.actor;
      log[level](
        {
          reqId: req.id,
          method: req.method,
          url: req.url,
          statusCode: status,
          responseTime: Math.round(reply.elapsedTime * 10) / 10,
          actor: actor ? `${actor.type}:${actor.id}` : undefined,
        },
        status >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
