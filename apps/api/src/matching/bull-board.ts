import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/config';
import { AuthService } from '../../../../libs/identity/auth.service';
import { PlatformOperators } from '../../../../libs/identity/operators';
import { QUEUE_REGISTRY, QueueRegistry } from '../../../../libs/platform/queues';

export const BULL_BOARD_PATH = '/admin/queues';
const COOKIE = 'lc_board';

/**
 * Bull Board at /admin/queues. It is a Fastify plugin outside Nest's guards, so an onRequest hook
 * in its own scope checks an admin access token: the Bearer header, or `?token=` once (moved into
 * an httpOnly, SameSite=Strict cookie scoped to the board's path, living as long as the token) so a
 * browser can open the page and its assets. The queues are shared by both cities: any admin may
 * look (GET), only a platform operator may act on them (pause, clean, retry, add, promote,
 * remove: every other method), DESIGN §11. It reads and acts on either queue backend
 * (QUEUE_BACKEND): on PostgreSQL its server panel shows the database's figures instead of Redis's.
 */
@Injectable()
export class BullBoardRegistrar implements OnModuleInit {
  private readonly logger = new Logger(BullBoardRegistrar.name);

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly auth: AuthService,
    private readonly operators: PlatformOperators,
    @Inject(QUEUE_REGISTRY) private readonly queues: QueueRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.register !== 'function') return; // no HTTP server (worker)
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    createBullBoard({
      queues: Object.values(this.queues.queues).map((q) => new BullMQAdapter(q)),
      serverAdapter: serverAdapter as never,
      options: { uiConfig: { boardTitle: 'Liancheng queues' } },
    });
    const board = serverAdapter.registerPlugin();
    const guard = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) =>
      this.check(req, reply, done);
    void fastify.register(
      (instance: FastifyInstance, opts: Record<string, unknown>, done: (err?: Error) => void) => {
        instance.addHook('onRequest', guard);
        // The API may already decorate `reply.sendFile` (web UI): keep the board's static plugin
        // from decorating it again, which Fastify refuses.
        const scoped = new Proxy(instance, {
          get(target, key) {
            if (key === 'register')
              return (plugin: any, o: Record<string, unknown> = {}) =>
                target.register(plugin, { ...o, decorateReply: false });
            const v = (target as any)[key];
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
        board(scoped as FastifyInstance, opts, done);
      },
      { prefix: BULL_BOARD_PATH },
    );
    this.logger.log(`Bull Board at ${BULL_BOARD_PATH} (admins look, operators act)`);
  }

  private check(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const header = req.headers.authorization;
    const query = (req.query ?? {}) as Record<string, unknown>;
    const cookies = (req as FastifyRequest & { cookies?: Record<string, string> }).cookies ?? {};
    const fromQuery = typeof query.token === 'string' ? query.token : '';
    const token =
      (typeof header === 'string' && /^Bearer\s+/i.test(header)
        ? header.replace(/^Bearer\s+/i, '').trim()
        : '') ||
      fromQuery ||
      cookies[COOKIE] ||
      '';
    const claims = token ? this.auth.verifyAccessToken(token) : null;
    const fail = (status: number, code: string, message: string) =>
      void reply
        .code(status)
        .header('content-type', 'application/json')
        .send({
          statusCode: status,
          error: status === 401 ? 'Unauthorized' : 'Forbidden',
          code,
          message,
          requestId: String(req.id),
        });
    if (!claims) return fail(401, 'UNAUTHENTICATED', 'An admin access token is required');
    if (claims.role !== 'admin') return fail(403, 'ROLE_REQUIRED', 'The queue board is for admins');
    const acts = req.method !== 'GET' && req.method !== 'HEAD';
    if (acts && !this.operators.isOperator({ type: 'user', role: claims.role, username: claims.usr }))
      return fail(
        403,
        'OPERATOR_REQUIRED',
        'Acting on the shared queues is for platform operators (OPERATORS)',
      );
    if (fromQuery) {
      const maxAge = Math.max(0, Math.floor(((claims as { exp?: number }).exp ?? 0) - Date.now() / 1000));
      void reply.header(
        'set-cookie',
        `${COOKIE}=${encodeURIComponent(token)}; Path=${BULL_BOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}` +
          (this.config.https ? '; Secure' : ''),
      );
    }
    done();
  }
}
