import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'crypto';
import { existsSync } from 'fs';
import type { IncomingMessage } from 'http';
import { Logger } from 'nestjs-pino';
import { join } from 'path';
import { AppConfig } from '../../../libs/config/config';
import { AllExceptionsFilter, toErrorBody } from './http/http-exception.filter';
import { createValidationPipe } from './http/validation-pipe';
import { securityHeaders } from './http/security-headers';
import { logRequests } from './http/request-logging';
import { httpDuration } from '../../../libs/platform/metrics';
import { RequestRateLimit, hasCredentials } from './http/request-rate-limit';
import { AppModule } from './app.module';
import {
  BODY_LIMIT,
  BULK_BODY_LIMIT,
  registerBodyLimits,
  registerJsonParser,
  registerMethodNotAllowed,
} from './http-protocol';
import { buildOpenApiDocument } from './openapi';

export { buildOpenApiDocument, openApiConfig } from './openapi';

export const API_PREFIX = 'api/v1';

function requestId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}

/** apps/web/dist of the repository, whether this file runs from source (apps/api/src) or from dist/apps/api/src. */
export function webDistDir(): string {
  const candidates = [
    join(__dirname, '..', '..', '..', 'apps', 'web', 'dist'),
    join(__dirname, '..', '..', '..', '..', 'apps', 'web', 'dist'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

/** Builds the API application (used by main.ts and by the end-to-end tests). */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: requestId,
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
  } as never);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    // JSON is the only body this API reads, through the checking parser of http-protocol.ts.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.setGlobalPrefix(API_PREFIX, {
    exclude: ['health', 'metrics', 'api/v1/health', 'api/v1/metrics', 'favicon.ico'],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  registerJsonParser(fastify);
  registerBodyLimits(fastify);
  registerMethodNotAllowed(fastify);
  await app.register(fastifyCookie as never);
  // Spreadsheet uploads (DESIGN §17): one file, within the bulk body limit; read by the route.
  await app.register(fastifyMultipart as never, {
    limits: { files: 1, fields: 4, fieldSize: 1024, parts: 6, fileSize: BULK_BODY_LIMIT },
  });
  const security = securityHeaders(config.https);
  fastify.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(security);
    done();
  });
  // API_RATE_LIMIT: a request with a credential is counted by the guard once it knows who calls;
  // any other request here, by client address. Whatever is left (a route outside Nest reached
  // with a credential) is counted when its answer goes out, so every response carries the fields.
  const rate = app.get(RequestRateLimit);
  fastify.addHook('onRequest', async (req, reply) => {
    if (hasCredentials(req)) return;
    try {
      await rate.byClient(req, reply);
    } catch (e) {
      const body = toErrorBody(e, String(req.id));
      return reply
        .code(body.statusCode)
        .header('retry-after', String(body.retryAfterSeconds ?? 60))
        .send(body);
    }
  });
  // Callback hooks, not async ones: they run on every response, and the common case is synchronous.
  fastify.addHook('onSend', (req, reply, payload, done) => {
    void reply.header('x-request-id', String(req.id));
    if (rate.counted(req)) return done(null, payload);
    rate.byClient(req, reply, false).then(
      () => done(null, payload),
      (e: Error) => done(e),
    );
  });
  logRequests(fastify);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = (req.routeOptions?.url as string | undefined) ?? 'unmatched';
    httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });

  const web = webDistDir();
  if (config.serveWeb && existsSync(join(web, 'index.html'))) {
    await app.register(fastifyStatic as never, { root: web, prefix: '/', wildcard: false, index: false });
    // Single-page app: other GET paths get index.html. A catch-all route rather than a not-found
    // handler, because Nest installs its own not-found handler at init (two would fail the boot).
    fastify.get('/*', (req, reply) => {
      const path = req.url.split('?')[0];
      if (path.startsWith('/api/') || path.startsWith('/admin/queues')) {
        return reply.status(404).send({
          statusCode: 404,
          error: 'Not Found',
          message: `Route ${req.method} ${path} not found`,
          requestId: String(req.id),
        });
      }
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
  return app;
}
