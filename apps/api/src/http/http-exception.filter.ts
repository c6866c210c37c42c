import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'http';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
  requestId: string;
  [extra: string]: unknown;
}

/**
 * One filter for every error: expected ones keep their status, code and details; anything
 * unexpected is logged with the request id and answers a generic 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const body = toErrorBody(exception, String(req.id ?? ''));
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: body.requestId }, 'unhandled error');
    }
    const headers = (exception as { headers?: Record<string, string> })?.headers;
    if (headers) for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
    if (typeof body.retryAfterSeconds === 'number')
      void reply.header('Retry-After', String(body.retryAfterSeconds));
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

/** Fastify's body parser fails before validation can name a field: name the body itself. */
function withBodyDetails(body: ErrorBody): ErrorBody {
  if (body.statusCode === 400 && body.details === undefined && /\b(JSON|body)\b/i.test(body.message)) {
    return {
      ...body,
      code: body.code ?? 'INVALID_BODY',
      details: [{ field: 'body', message: body.message }],
    };
  }
  return body;
}

export function toErrorBody(exception: unknown, requestId: string): ErrorBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const base: ErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message: '',
      requestId,
    };
    if (typeof res === 'string') return withBodyDetails({ ...base, message: res });
    const { message, statusCode: _s, error: _e, ...rest } = res as Record<string, unknown>;
    void _s;
    void _e;
    const text = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
    const out: ErrorBody = { ...base, message: text };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
    return withBodyDetails(out);
  }
  // Errors raised by Fastify itself (bad JSON, body too large, unsupported media type…)
  const fst = exception as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (fst && typeof fst.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
    return {
      statusCode: fst.statusCode,
      error: STATUS_CODES[fst.statusCode] ?? 'Error',
      code: fst.code ?? 'BAD_REQUEST',
      message: fst.message ?? 'Bad request',
      details:
        fst.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fst.code?.startsWith('FST_ERR_CTP')
          ? [{ field: 'body', message: fst.message ?? 'invalid body' }]
          : undefined,
      requestId,
    };
  }
  const pg = exception as { code?: string; constraint?: string; detail?: string };
  if (pg && typeof pg.code === 'string' && /^(22|23)/.test(pg.code)) {
    // A constraint the DTO layer did not catch still must not become a 500 (DESIGN §11).
    const status = pg.code === '23505' ? 409 : 400;
    return {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      code: pg.code === '23505' ? 'DUPLICATE' : 'INVALID_VALUE',
      message: pg.code === '23505' ? `duplicate value (${pg.constraint ?? 'unique'})` : 'invalid value',
      requestId,
    };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId };
}
