import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { conflict, fieldError, forbidden, notFound } from '../common/errors';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext, actorUserId, roleOf } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { sqlOne, sqlParams, sqlRows } from '../db/sql';
import { EventsService } from '../events/events.service';
import { TS_KEY } from '../leads/lead.repository';
import { AgreementAction, AgreementRecord, AgreementStatus, agreementTransition } from './agreement';
import { AgreementRegistry } from './agreement-registry';
import { AgreementListQuery, AgreementViewDto } from './agreement.dto';

export interface AgreementRow {
  id: string;
  kind: string;
  subject_entity: string;
  subject_id: string;
  proposed_by_jurisdiction: Jurisdiction;
  proposed_by_user: string | null;
  deciding_jurisdiction: Jurisdiction;
  jurisdictions: Jurisdiction[];
  change: Record<string, unknown>;
  note: string | null;
  status: AgreementStatus;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_note: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  _key?: string;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export function toAgreementRecord<C>(r: AgreementRow): AgreementRecord<C> {
  return {
    id: r.id,
    kind: r.kind,
    subjectEntity: r.subject_entity,
    subjectId: r.subject_id,
    proposedByJurisdiction: r.proposed_by_jurisdiction,
    proposedByUser: r.proposed_by_user,
    decidingJurisdiction: r.deciding_jurisdiction,
    jurisdictions: r.jurisdictions,
    change: r.change as C,
    note: r.note,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    decisionNote: r.decision_note,
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** An agreement as a city concerned by it sees it (both see all of it); null for anyone else. */
export function agreementView(r: AgreementRow, viewer: Jurisdiction): AgreementViewDto | null {
  if (!r.jurisdictions.includes(viewer)) return null;
  return {
    id: r.id,
    kind: r.kind,
    subject: { entity: r.subject_entity, id: r.subject_id },
    proposedBy: { jurisdiction: r.proposed_by_jurisdiction, userId: r.proposed_by_user },
    decidingJurisdiction: r.deciding_jurisdiction,
    change: r.change,
    note: r.note,
    status: r.status,
    waitingOnMe: r.status === 'pending' && r.deciding_jurisdiction === viewer,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    decisionNote: r.decision_note,
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/**
 * Agreements between the two cities (DESIGN §14): proposals by one city, decided by the other,
 * applied in the transaction of the acceptance with the audit entries and events of the change
 * and of the agreement itself.
 */
@Injectable()
export class AgreementService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly registry: AgreementRegistry,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /**
   * Proposes a change of a registered kind, in the caller's transaction (the kind's `prepare`
   * checks and locks the subject). At most one pending agreement per kind and subject: a second
   * answers 409 naming the pending one.
   */
  async propose<C>(
    em: EntityManager,
    ctx: RequestContext,
    kind: string,
    subjectId: string,
    change: C,
    note?: string,
  ): Promise<AgreementViewDto> {
    const k = this.registry.get(kind);
    const role = roleOf(ctx);
    if (!role || !k.proposers.includes(role))
      throw forbidden('AGREEMENT_ROLE', `Only a ${k.proposers.join(' or ')} proposes ${kind}`);
    const prepared = await k.prepare(em, ctx, subjectId, change);
    const [row] = await sqlRows<AgreementRow>(
      em,
      `INSERT INTO agreements (kind, subject_entity, subject_id, proposed_by_jurisdiction, proposed_by_user,
                               deciding_jurisdiction, jurisdictions, change, note)
       VALUES ($1, $2, $3, $4, $5, $6, ARRAY[$4, $6], $7::jsonb, $8)
       ON CONFLICT (kind, subject_entity, subject_id) WHERE status = 'pending' DO NOTHING
       RETURNING *`,
      [
        kind,
        k.subjectEntity,
        subjectId,
        ctx.jurisdiction,
        actorUserId(ctx),
        prepared.decidingJurisdiction,
        JSON.stringify(prepared.change),
        note ?? null,
      ],
    );
    if (!row) {
      const pending = await sqlOne<{ id: string; proposed_by_jurisdiction: string }>(
        em,
        `SELECT id, proposed_by_jurisdiction FROM agreements
          WHERE kind = $1 AND subject_entity = $2 AND subject_id = $3 AND status = 'pending'`,
        [kind, k.subjectEntity, subjectId],
      );
      throw conflict(
        'AGREEMENT_PENDING',
        `An agreement on this ${k.subjectEntity} already waits for a decision (${pending?.id ?? 'pending'})`,
        { agreementId: pending?.id ?? null, proposedBy: pending?.proposed_by_jurisdiction ?? null },
      );
    }
    await this.audit.record(em, ctx, 'propose', 'agreement', row.id, {
      kind: [null, kind],
      subject: [null, { entity: k.subjectEntity, id: subjectId }],
      change: [null, prepared.change],
      status: [null, 'pending'],
    });
    await this.events.record(em, {
      type: 'agreement.proposed',
      entity: 'agreement',
      entityId: row.id,
      entityVersion: row.version,
      jurisdiction: ctx.jurisdiction,
      detail: { kind, decidingJurisdiction: prepared.decidingJurisdiction },
    });
    return agreementView(row, ctx.jurisdiction)!;
  }

  /** Accept, decline or withdraw; the first of two concurrent decisions wins, the other gets 409. */
  async decide(
    ctx: RequestContext,
    id: string,
    action: AgreementAction,
    note?: string,
  ): Promise<AgreementViewDto> {
    requireUuidPath(id, 'agreement');
    return this.ds.transaction(async (em) => {
      const row = await sqlOne<AgreementRow>(em, `SELECT * FROM agreements WHERE id = $1 FOR UPDATE`, [id]);
      if (!row || !row.jurisdictions.includes(ctx.jurisdiction)) throw notFound('agreement');
      const side = row.deciding_jurisdiction === ctx.jurisdiction ? 'decider' : 'proposer';
      const move = agreementTransition(row.status, action, side);
      if (!move.ok) {
        throw move.http === 409
          ? conflict(move.code, move.message, { status: row.status })
          : forbidden(move.code, move.message);
      }
      const kind = this.registry.get(row.kind);
      const role = roleOf(ctx);
      const allowed = side === 'decider' ? kind.deciders : kind.proposers;
      if (!role || !allowed.includes(role)) {
        throw forbidden(
          'AGREEMENT_ROLE',
          side === 'decider'
            ? `A ${kind.deciders.join(' or ')} of ${row.deciding_jurisdiction} decides this agreement`
            : `A ${kind.proposers.join(' or ')} of ${row.proposed_by_jurisdiction} withdraws this agreement`,
        );
      }
      if (move.status === 'accepted') await kind.apply(em, ctx, toAgreementRecord(row));
      return this.close(em, ctx, row, move.status, note);
    });
  }

  /**
   * Withdraws the pending agreements about a subject that has been settled another way (a
   * collision one city yielded), in the caller's transaction.
   */
  async withdrawPendingAbout(
    em: EntityManager,
    ctx: RequestContext,
    subjectEntity: string,
    subjectId: string,
    note: string,
  ): Promise<void> {
    const rows = await sqlRows<AgreementRow>(
      em,
      `SELECT * FROM agreements WHERE subject_entity = $1 AND subject_id = $2 AND status = 'pending' FOR UPDATE`,
      [subjectEntity, subjectId],
    );
    for (const row of rows) await this.close(em, ctx, row, 'withdrawn', note);
  }

  private async close(
    em: EntityManager,
    ctx: RequestContext,
    row: AgreementRow,
    status: AgreementStatus,
    note?: string,
  ): Promise<AgreementViewDto> {
    const [after] = await sqlRows<AgreementRow>(
      em,
      `UPDATE agreements SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING *`,
      [row.id, status, actorUserId(ctx), note ?? null],
    );
    await this.audit.record(
      em,
      ctx,
      status === 'accepted' ? 'accept' : status === 'declined' ? 'decline' : 'withdraw',
      'agreement',
      row.id,
      { status: [row.status, status], ...(note ? { decisionNote: [null, note] } : {}) },
    );
    await this.events.record(em, {
      type: 'agreement.decided',
      entity: 'agreement',
      entityId: row.id,
      entityVersion: after.version,
      jurisdiction: ctx.jurisdiction,
      detail: { kind: row.kind, status },
    });
    return agreementView(after, ctx.jurisdiction)!;
  }

  async get(ctx: RequestContext, id: string): Promise<AgreementViewDto> {
    const row = await sqlOne<AgreementRow>(this.ds, `SELECT * FROM agreements WHERE id = $1`, [
      requireUuidPath(id, 'agreement'),
    ]);
    const view = row && agreementView(row, ctx.jurisdiction);
    if (!view) throw notFound('agreement');
    return view;
  }

  /** The agreements that concern the caller's city: proposed by it or waiting on it. */
  async list(ctx: RequestContext, q: AgreementListQuery): Promise<Page<AgreementViewDto>> {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, 2);
    if (after && (typeof after[0] !== 'string' || Number.isNaN(Date.parse(after[0])) || !isUuid(after[1])))
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const { params, p } = sqlParams();
    const where = [`${p(ctx.jurisdiction)} = ANY(jurisdictions)`];
    if (q.status) where.push(`status = ${p(q.status)}`);
    if (q.kind) where.push(`kind = ${p(q.kind)}`);
    if (q.subjectId) where.push(`subject_id = ${p(q.subjectId.toLowerCase())}`);
    if (after) {
      const ts = `${p(after[0])}::timestamptz`;
      where.push(`(created_at < ${ts} OR (created_at = ${ts} AND id < ${p(after[1])}::uuid))`);
    }
    const rows = await sqlRows<AgreementRow>(
      this.ds,
      `SELECT *, ${TS_KEY('created_at')} AS _key FROM agreements WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT ${p(limit + 1)}`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r) => [r._key, r.id],
      (r) => agreementView(r, ctx.jurisdiction)!,
    );
  }
}
