import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../../../libs/common/request-context';

/** A request once the guard has authenticated it: its context travels on it. */
export type ContextRequest = FastifyRequest & { ctx?: RequestContext };

export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<ContextRequest>();
  if (!req.ctx) throw new Error('request context missing: is the route public?');
  return req.ctx;
});
