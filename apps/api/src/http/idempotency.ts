import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'crypto';
import type { FastifyReply } from 'fastify';
import { Observable, from, lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { sqlRows } from '../../../../libs/db/sql';
import { AppError } from '../../../../libs/common/errors';
import { ContextRequest } from './ctx.decorator';
import { uploadDigest } from './upload';

const IDEMPOTENT = 'lc:idempotent';
/** Response headers that describe the result, replayed with it (not per-response ones such as RateLimit). */
const REPLAYED_HEADERS = ['etag', 'location', 'content-type', 'content-location', 'last-modified'];
/** An in-flight claim older than this is taken to belong to a crashed request. */
const STALE_CLAIM_SECONDS = 300;

/**
 * Marks a POST / bulk PUT as honouring `Idempotency-Key` (DESIGN §11): a retry with the same key
 * and body returns the first response; the same key with another body answers 422; a retry while
 * the first is still running answers 409. The interceptor is bound here, per route, rather than
 * globally: other routes then run without an interceptor chain at all.
 */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 200 },
      description: 'Retry-safe key (1–200 chars). Same key and body → the first response again.',
    }),
  );

export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
    .join(',')}}`;
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) return next.handle();
    const req = context.switchToHttp().getRequest<ContextRequest>();
    const header = req.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    return from(this.run(context, req, String(header), next));
  }

  private async run(
    context: ExecutionContext,
    req: ContextRequest,
    key: string,
    next: CallHandler,
  ): Promise<unknown> {
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new AppError(
        HttpStatus.BAD_REQUEST,
        'INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key must be 1–200 visible ASCII characters',
        [{ field: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }],
      );
    }
    const actor = req.ctx?.actor;
    const scope = `${actor?.type ?? 'anonymous'}:${actor?.id ?? '-'}:${req.method} ${req.url.split('?')[0]}`;
    // A multipart upload has no parsed body: its identity is the file's digest and the form fields.
    const multipart = typeof req.isMultipart === 'function' && req.isMultipart();
    const body = multipart ? await uploadDigest(req) : (req.body ?? null);
    const hash = createHash('sha256').update(stableStringify(body)).digest('hex');
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    const claimed = await sqlRows(
      this.ds,
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, created_at = now()
         WHERE idempotency_keys.status_code IS NULL
           AND idempotency_keys.created_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS})
       RETURNING key`,
      [scope, key, hash],
    );
    if (!claimed.length) {
      const [row] = await sqlRows(
        this.ds,
        `SELECT request_hash, status_code, response, response_headers
           FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      if (!row)
        throw new AppError(
          HttpStatus.CONFLICT,
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this Idempotency-Key is in progress',
        );
      if (row.request_hash !== hash) {
        throw new AppError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request body',
          [{ field: 'Idempotency-Key', message: 'reused with a different body' }],
        );
      }
      if (row.status_code === null) {
        throw new AppError(
          HttpStatus.CONFLICT,
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this Idempotency-Key is in progress',
        );
      }
      void reply.headers(row.response_headers ?? {});
      void reply.header('Idempotent-Replayed', 'true');
      void reply.status(row.status_code);
      return row.response;
    }

    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // The status Nest will send: one the handler set, else the route's @HttpCode, else the default.
      const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
      const status = reply.statusCode !== 200 ? reply.statusCode : (declared ?? defaultStatus(req.method));
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      await sqlRows(
        this.ds,
        `UPDATE idempotency_keys SET status_code = $3, response = $4, response_headers = $5
          WHERE scope = $1 AND key = $2`,
        [scope, key, status, JSON.stringify(body ?? null), JSON.stringify(headers)],
      );
      return body;
    } catch (e) {
      // A failed request leaves no claim: the client may fix the body and retry with the same key.
      await sqlRows(
        this.ds,
        `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code IS NULL`,
        [scope, key],
      );
      throw e;
    }
  }
}

function defaultStatus(method: string): number {
  return method === 'POST' ? 201 : 200;
}
