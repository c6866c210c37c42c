import { sqlRows } from '../../../../libs/db/sql';
import { Controller, Get, Header, Inject, Optional, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/config';
import { AppError } from '../../../../libs/common/errors';
import { safeEqual } from '../../../../libs/identity/secrets';
import { Public } from '../http/access.decorator';
import { HealthService } from '../../../../libs/platform/health.service';
import {
  matchSweepFound,
  matchSweepLastFound,
  matchSweepLastRun,
  matchesPendingLeads,
  metricsRegistry,
  outboxLag,
  outboxPending,
  queueBackendInfo,
  queueDepth,
} from '../../../../libs/platform/metrics';
import { QUEUE_REGISTRY, QueueRegistry } from '../../../../libs/platform/queues';

@ApiTags('platform')
@Public()
@Controller()
export class PlatformController {
  constructor(
    private readonly health: HealthService,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(QUEUE_REGISTRY) private readonly queues?: QueueRegistry,
  ) {}

  @Get(['health', 'api/v1/health'])
  @ApiOkResponse({ description: 'Database, Redis and queue are up' })
  @ApiResponse({ status: 503, description: 'A dependency is down; `failing` names it' })
  async getHealth(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.health.check();
    void reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  @Get(['metrics', 'api/v1/metrics'])
  @ApiBearerAuth('metricsToken')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'With METRICS_TOKEN set: only with `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). ' +
      'Unset: only to clients on the loopback interface, not through a proxy (403 otherwise).',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus metrics', schema: { type: 'string' } })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(@Req() req: FastifyRequest): Promise<string> {
    this.checkMetricsAccess(req);
    await this.refreshGauges();
    return metricsRegistry.metrics();
  }

  @Get('favicon.ico')
  @ApiExcludeEndpoint()
  favicon(@Res() reply: FastifyReply) {
    void reply.status(204).send();
  }

  /** DESIGN §11: /metrics answers the METRICS_TOKEN bearer, or loopback clients when it is unset. */
  private checkMetricsAccess(req: FastifyRequest): void {
    const token = this.config.metricsToken;
    if (token) {
      const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!safeEqual(given, token))
        throw new AppError(
          401,
          'METRICS_TOKEN_REQUIRED',
          'GET /metrics needs Authorization: Bearer $METRICS_TOKEN',
        );
      return;
    }
    // The socket's peer, not req.ip: behind a proxy every request would look local.
    const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
    if (forwarded || !isLoopback(req.socket.remoteAddress))
      throw new AppError(
        403,
        'METRICS_LOOPBACK_ONLY',
        'Set METRICS_TOKEN to read /metrics from another host',
      );
  }

  private async refreshGauges(): Promise<void> {
    queueBackendInfo.reset();
    queueBackendInfo.set({ backend: this.config.queueBackend }, 1);
    try {
      const [row] = await sqlRows(
        this.ds,
        `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float AS lag
           FROM outbox WHERE relayed_at IS NULL`,
      );
      outboxPending.set(row.pending);
      outboxLag.set(row.lag);
      const [sweep] = await sqlRows(
        this.ds,
        `SELECT s.found_total::float8 AS found_total, s.last_found,
                COALESCE(EXTRACT(EPOCH FROM s.last_run_at), 0)::float8 AS last_run,
                (SELECT count(*)::int FROM lead_match_state WHERE matched_version < queued_version) AS behind
           FROM matching_sweep s`,
      );
      if (sweep) {
        // A counter kept in the database (the sweep runs in the worker): set to the stored total.
        matchSweepFound.reset();
        matchSweepFound.inc(sweep.found_total);
        matchSweepLastFound.set(sweep.last_found);
        matchSweepLastRun.set(sweep.last_run);
        matchesPendingLeads.set(sweep.behind);
      }
    } catch {
      /* database down: /health reports it */
    }
    if (!this.queues) return;
    await Promise.all(
      Object.entries(this.queues.queues).map(async ([name, q]) => {
        try {
          const counts = await Promise.race([
            q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
            new Promise<never>((_, r) => setTimeout(() => r(new Error('timeout')), 1_000).unref()),
          ]);
          for (const [state, n] of Object.entries(counts)) queueDepth.set({ queue: name, state }, n);
        } catch {
          /* queue store down: /health reports it */
        }
      }),
    );
  }
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\./.test(v4);
}
