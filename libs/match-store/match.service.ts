import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, forbidden, notFound } from '../common/errors';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, toPage } from '../common/pagination';
import { Jurisdiction, RequestContext, actorUserId, isManager } from '../common/request-context';
import { sqlParams, sqlRows } from '../db/sql';
import { EventsService } from '../events/events.service';
import { listedSql, visibleSql, visibleTitle } from '../leads/lead-policy';
import { Reason, linkStrength, localizeReason } from '../matching/reasons';
import { PlatformOperators } from '../identity/operators';
import { OutboxService } from '../outbox/outbox.service';
import { QUEUE_REGISTRY, QueueRegistry } from '../platform/queues';
import {
  BulkMatchDecisionDto,
  BulkMatchDecisionResultDto,
  LeadMatchesDto,
  MatchDecisionDto,
  MatchItemDto,
  MatchListQuery,
  RematchRequestDto,
  RematchStatusDto,
} from './match.dto';
import { JOB_KEYS, LOCKS } from '../jobs/jobs';

/** `rematch-all:<uuid>:<jurisdiction|all>`: BullMQ accepts custom ids with exactly three ':' parts. */
const REMATCH_ID = /^rematch-all:([0-9a-f-]{36}):(all|beibei|mianyang)$/;

const reasonsFor = (reasons: Reason[], ctx: RequestContext) =>
  (reasons ?? []).map((r) => localizeReason(r, ctx.locale));
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Reading and deciding matches (DESIGN §10–11); matches are visible with their lead. */
@Injectable()
export class MatchService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly outbox: OutboxService,
    @Inject(QUEUE_REGISTRY) private readonly queues: QueueRegistry,
    private readonly operators: PlatformOperators,
  ) {}

  async forLead(ctx: RequestContext, leadId: string): Promise<LeadMatchesDto> {
    const [lead] = await sqlRows(
      this.ds,
      `SELECT l.id, l.match_version, s.matched_version, s.computed_at, s.algorithm_version
         FROM leads l LEFT JOIN lead_match_state s ON s.lead_id = l.id
        WHERE l.id = $2 AND ${visibleSql('$1', 'l')}`,
      [ctx.jurisdiction, leadId],
    );
    if (!lead) throw notFound('lead');
    const rows = await sqlRows(
      this.ds,
      `SELECT m.id, m.kind, m.enterprise_id, m.park_id, m.relation, m.score, m.reasons, m.status,
              e.name AS enterprise_name, e.jurisdiction AS enterprise_jurisdiction,
              p.name AS park_name, p.co_built
         FROM matches m
         LEFT JOIN enterprises e ON e.id = m.enterprise_id
         LEFT JOIN parks p ON p.id = m.park_id
        WHERE m.lead_id = $1 AND m.status <> 'withdrawn'
        ORDER BY m.status = 'rejected', m.score DESC, COALESCE(m.enterprise_id, m.park_id)`,
      [leadId],
    );
    return {
      // Pending only while the stored matches are older than the lead's matching inputs; a job is
      // then queued (written with the change, DESIGN §12) and the sweep re-queues a lost one.
      status: (lead.matched_version ?? 0) >= lead.match_version ? 'ready' : 'pending',
      computedAt: iso(lead.computed_at),
      algorithmVersion: lead.algorithm_version,
      partners: rows
        .filter((r: any) => r.kind === 'partner')
        .map((r: any) => ({
          id: r.id,
          enterpriseId: r.enterprise_id,
          name: r.enterprise_name,
          jurisdiction: r.enterprise_jurisdiction,
          relation: r.relation,
          strength: linkStrength(r.reasons),
          score: r.score,
          reasons: reasonsFor(r.reasons, ctx),
          status: r.status,
        })),
      parks: rows
        .filter((r: any) => r.kind === 'park')
        .map((r: any) => ({
          id: r.id,
          parkId: r.park_id,
          name: r.park_name,
          coBuilt: r.co_built,
          score: r.score,
          reasons: reasonsFor(r.reasons, ctx),
          status: r.status,
        })),
    };
  }

  /** The managers' pipeline: keyset paging by (score desc, id). */
  async list(ctx: RequestContext, q: MatchListQuery): Promise<Page<MatchItemDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const { params, p } = sqlParams([ctx.jurisdiction]);
    const where = [listedSql('$1', 'l'), `m.status <> 'withdrawn'`];
    const add = (sql: string, v: unknown) => where.push(sql.replace('?', p(v)));
    if (q.status) add(`m.status = ?`, q.status);
    if (q.kind) add(`m.kind = ?`, q.kind);
    if (q.industry) add(`l.industries @> ARRAY[?]::text[]`, q.industry);
    if (q.jurisdiction) add(`l.jurisdiction = ?`, q.jurisdiction);
    if (q.minScore !== undefined) add(`m.score >= ?`, q.minScore);
    if (q.maxScore !== undefined) add(`m.score <= ?`, q.maxScore);
    if (q.leadId) add(`m.lead_id = ?::uuid`, q.leadId.toLowerCase());
    const cursor = decodeCursor(q.cursor, 2);
    if (cursor) {
      const [score, id] = cursor;
      if (typeof score !== 'number' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) {
        decodeCursor('!', 2); // throws the uniform 400 naming `cursor`
      }
      params.push(score, id);
      where.push(
        `(m.score < $${params.length - 1} OR (m.score = $${params.length - 1} AND m.id > $${params.length}))`,
      );
    }
    params.push(limit + 1);
    const rows = await sqlRows(
      this.ds,
      `SELECT m.id, m.lead_id, m.kind, m.enterprise_id, m.park_id, m.relation, m.score, m.reasons, m.status,
              m.decided_by, m.decision_note, m.algorithm_version, m.computed_at, m.version,
              l.title, l.code_name, l.confidential, l.jurisdiction AS lead_jurisdiction,
              COALESCE(e.name, p.name) AS target_name
         FROM matches m
         JOIN leads l ON l.id = m.lead_id
         LEFT JOIN enterprises e ON e.id = m.enterprise_id
         LEFT JOIN parks p ON p.id = m.park_id
        WHERE ${where.join(' AND ')}
        ORDER BY m.score DESC, m.id
        LIMIT $${params.length}`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r: any) => [r.score, r.id],
      (r: any) => this.item(ctx, r),
    );
  }

  private item(ctx: RequestContext, r: any): MatchItemDto {
    const foreign = r.lead_jurisdiction !== ctx.jurisdiction;
    return {
      id: r.id,
      leadId: r.lead_id,
      leadTitle: visibleTitle(
        {
          jurisdiction: r.lead_jurisdiction,
          confidential: r.confidential,
          code_name: r.code_name,
          title: r.title,
        },
        ctx.jurisdiction,
      ),
      leadJurisdiction: r.lead_jurisdiction,
      kind: r.kind,
      enterpriseId: r.enterprise_id,
      parkId: r.park_id,
      targetName: r.target_name,
      relation: r.relation,
      strength: linkStrength(r.reasons),
      score: r.score,
      reasons: reasonsFor(r.reasons, ctx),
      status: r.status,
      decidedBy: r.decided_by,
      decisionNote: foreign ? null : r.decision_note,
      algorithmVersion: r.algorithm_version,
      computedAt: iso(r.computed_at)!,
      version: r.version,
    };
  }

  /** Managers of the lead's jurisdiction decide (DESIGN §5); the decision survives re-matching. */
  async decide(ctx: RequestContext, matchId: string, dto: MatchDecisionDto): Promise<MatchItemDto> {
    return this.ds.transaction((em) => this.decideIn(em, ctx, matchId, dto));
  }

  /**
   * Decides several matches at once, all or none: when any of them cannot be decided (not found,
   * another city's, withdrawn) nothing changes and the 422 names each refused id in `details`
   * (`ids[<index>]`).
   */
  async decideMany(ctx: RequestContext, dto: BulkMatchDecisionDto): Promise<BulkMatchDecisionResultDto> {
    return this.ds.transaction(async (em) => {
      const items: MatchItemDto[] = [];
      const refused: { field: string; message: string; code: string }[] = [];
      // Takes the leads' locks in one order (lead, then match) so two bulk decisions over the same
      // leads never deadlock.
      const ids = dto.ids.map((id) => id.toLowerCase());
      const leadOf = new Map<string, string>(
        (
          await sqlRows<{ id: string; lead_id: string }>(
            em,
            `SELECT id, lead_id FROM matches WHERE id = ANY ($1::uuid[])`,
            [ids],
          )
        ).map((r) => [r.id, r.lead_id]),
      );
      const key = (id: string) => `${leadOf.get(id) ?? ''}:${id}`;
      const ordered = ids.map((id, i) => ({ id, i })).sort((a, b) => (key(a.id) < key(b.id) ? -1 : 1));
      for (const { id, i } of ordered) {
        try {
          items[i] = await this.decideIn(em, ctx, id, dto);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          refused.push({ field: `ids[${i}]`, message: `${id}: ${e.message}`, code: e.code });
        }
      }
      if (refused.length) {
        refused.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true }));
        throw new AppError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'MATCH_DECISIONS_REFUSED',
          `${refused.length} of ${dto.ids.length} matches cannot be decided; none was`,
          refused,
        );
      }
      return { items };
    });
  }

  private async decideIn(
    em: EntityManager,
    ctx: RequestContext,
    matchId: string,
    dto: MatchDecisionDto,
  ): Promise<MatchItemDto> {
    const [found] = await sqlRows(
      em,
      `SELECT m.lead_id, m.status, l.jurisdiction FROM matches m JOIN leads l ON l.id = m.lead_id
          WHERE m.id = $2 AND ${visibleSql('$1', 'l')}`,
      [ctx.jurisdiction, matchId],
    );
    if (!found || found.status === 'withdrawn') throw notFound('match');
    if (found.jurisdiction !== ctx.jurisdiction || !isManager(ctx)) {
      throw forbidden(
        'MATCH_DECISION_FORBIDDEN',
        'Only managers of the lead’s jurisdiction decide its matches',
      );
    }
    // The same lock the matcher takes: a decision never interleaves with a re-match of the lead.
    await sqlRows(em, `SELECT pg_advisory_xact_lock(${LOCKS.match('$1')})`, [found.lead_id]);
    const [m] = await sqlRows(em, `SELECT id, status, decision_note, version FROM matches WHERE id = $1`, [
      matchId,
    ]);
    if (m.status === 'withdrawn') {
      throw new AppError(HttpStatus.CONFLICT, 'MATCH_WITHDRAWN', 'The match is no longer proposed');
    }
    const note = dto.note ?? null;
    if (m.status !== dto.decision || (m.decision_note ?? null) !== note) {
      const [updated] = await sqlRows(
        em,
        `UPDATE matches SET status = $2, decision_note = $3, decided_by = $4, decided_at = now(),
                  version = version + 1
            WHERE id = $1 RETURNING version`,
        [matchId, dto.decision, note, actorUserId(ctx)],
      );
      await this.audit.record(em, ctx, 'match.decide', 'match', matchId, {
        status: [m.status, dto.decision],
        ...(note !== (m.decision_note ?? null) ? { decisionNote: [m.decision_note ?? null, note] } : {}),
      });
      await this.events.record(em, {
        type: 'match.decided',
        entity: 'match',
        entityId: matchId,
        entityVersion: updated.version,
        jurisdiction: found.jurisdiction,
        detail: { leadId: found.lead_id, decision: dto.decision },
      });
    }
    const [row] = await sqlRows(
      em,
      `SELECT m.id, m.lead_id, m.kind, m.enterprise_id, m.park_id, m.relation, m.score, m.reasons, m.status,
                m.decided_by, m.decision_note, m.algorithm_version, m.computed_at, m.version,
                l.title, l.code_name, l.confidential, l.jurisdiction AS lead_jurisdiction,
                COALESCE(e.name, p.name) AS target_name
           FROM matches m JOIN leads l ON l.id = m.lead_id
           LEFT JOIN enterprises e ON e.id = m.enterprise_id LEFT JOIN parks p ON p.id = m.park_id
          WHERE m.id = $1`,
      [matchId],
    );
    return this.item(ctx, row);
  }

  /**
   * A full re-match, queued through the outbox (works while Redis is down): of the admin's own
   * city, or, for a platform operator, of the city named or of all cities (DESIGN §11).
   */
  async requestRematch(ctx: RequestContext, dto: RematchRequestDto): Promise<{ jobId: string }> {
    const scope = this.operators.rematchScope(ctx.actor, ctx.jurisdiction, dto.jurisdiction);
    const run = randomUUID();
    const jobId = JOB_KEYS.rematchAll(run, scope ?? 'all');
    await this.ds.transaction(async (em) => {
      await this.outbox.enqueue(
        em,
        'rematch-all',
        { requestedBy: actorUserId(ctx), jurisdiction: scope },
        jobId,
      );
      await this.audit.record(em, ctx, 'matching.rematch', 'matching', run, {
        jurisdiction: [null, scope ?? 'all'],
      });
    });
    return { jobId };
  }

  /** A re-match of another city (or of all) does not exist for a city's admin: its counts are not theirs. */
  async rematchStatus(ctx: RequestContext, jobId: string): Promise<RematchStatusDto> {
    const id = REMATCH_ID.exec(jobId);
    const scope = id && id[2] !== 'all' ? (id[2] as Jurisdiction) : null;
    if (!id || !this.operators.mayWatchRematch(ctx.actor, ctx.jurisdiction, scope)) throw notFound('job');
    let job;
    try {
      job = await this.queues.queueFor('rematch-all').getJob(jobId);
    } catch {
      throw new AppError(HttpStatus.SERVICE_UNAVAILABLE, 'QUEUE_UNAVAILABLE', 'The queue is unreachable');
    }
    if (!job) {
      const [pending] = await sqlRows(
        this.ds,
        `SELECT relayed_at FROM outbox WHERE dedupe_key = $1 AND kind = 'rematch-all' LIMIT 1`,
        [jobId],
      );
      if (!pending) throw notFound('job');
      return {
        jobId,
        state: pending.relayed_at ? 'unknown' : 'queued',
        progress: { done: 0, total: 0 },
        failedReason: null,
      };
    }
    const state = await job.getState();
    const p = (typeof job.progress === 'object' && job.progress) || {};
    const returned = (job.returnvalue ?? {}) as { done?: number; total?: number };
    const done = Number((p as any).done ?? returned.done ?? 0);
    const total = Number((p as any).total ?? returned.total ?? 0);
    return { jobId, state, progress: { done, total }, failedReason: job.failedReason ?? null };
  }
}
