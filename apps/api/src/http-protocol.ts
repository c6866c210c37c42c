import { isUtf8 } from 'buffer';
import { HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay, { HTTPMethod } from 'find-my-way';
import { AppError } from '../../../libs/common/errors';
import { toErrorBody } from './http/http-exception.filter';
import { charsetOf, checkJsonText, isUtf8Charset } from '../../../libs/common/json-body';

/** Request bodies (DESIGN §11): 1 MB, and 16 MB on bulk routes (sync, imports). */
export const BODY_LIMIT = 1024 * 1024;
export const BULK_BODY_LIMIT = 16 * 1024 * 1024;
const BULK_ROUTES = /^\/api\/v1\/(sync|imports?)(\/|$)/;

/** Methods this API answers on some route; any other gets 405 wherever it is sent. */
const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

const bodyError = (status: number, code: string, message: string) =>
  new AppError(status, code, message, [{ field: 'body', message }]);

/**
 * JSON bodies are checked before they become objects: only UTF-8 (another declared charset is
 * 415: it would be misread), valid UTF-8 bytes, no escaped lone surrogates, nesting ≤ 32 levels
 * (400), then parsed with Fastify's own parser (which refuses __proto__ poisoning).
 */
export function registerJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (req: FastifyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
      const charset = charsetOf(req.headers['content-type']);
      if (!isUtf8Charset(charset)) {
        return done(
          bodyError(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            'UNSUPPORTED_CHARSET',
            `JSON bodies must be UTF-8; charset=${charset} is not supported`,
          ),
        );
      }
      if (!isUtf8(body))
        return done(bodyError(HttpStatus.BAD_REQUEST, 'INVALID_UTF8', 'body is not valid UTF-8'));
      const text = body.toString('utf8');
      const problem = checkJsonText(text);
      if (problem) return done(bodyError(HttpStatus.BAD_REQUEST, problem.code, problem.message));
      parse(req, text, done);
    },
  );
}

/** Bulk routes may carry up to 16 MB; every other route keeps the server's 1 MB. */
export function registerBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (BULK_ROUTES.test(route.url)) route.bodyLimit = BULK_BODY_LIMIT;
  });
}

/**
 * 405 Method Not Allowed with `Allow` (RFC 9110 §15.5.6) for a method the path does not answer
 * (TRACE, OPTIONS, DELETE on a list …), instead of 404. A router of the registered routes (the
 * single-page app's catch-all left out) tells which methods a path answers.
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  const routes = FindMyWay();
  const noop = () => undefined;
  fastify.addHook('onRoute', (route) => {
    if (route.url === '/*' || route.url === '*') return;
    for (const method of [route.method].flat()) {
      if (!routes.hasRoute(method as HTTPMethod, route.url)) routes.on(method as HTTPMethod, route.url, noop);
    }
  });
  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.is404) return;
    const path = req.url.split('?')[0];
    const allow = ROUTED_METHODS.filter((m) => routes.find(m as HTTPMethod, path));
    if (!allow.length && ROUTED_METHODS.includes(req.method)) return; // nothing here: 404
    const body = toErrorBody(
      new AppError(
        HttpStatus.METHOD_NOT_ALLOWED,
        'METHOD_NOT_ALLOWED',
        `${req.method} is not allowed on ${path}${allow.length ? `; allowed: ${allow.join(', ')}` : ''}`,
      ),
      String(req.id),
    );
    return reply.code(405).header('allow', allow.join(', ')).send(body);
  });
}
