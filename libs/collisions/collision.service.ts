import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AgreementKind, AgreementRecord } from '../agreements/agreement';
import { AgreementRegistry } from '../agreements/agreement-registry';
import { AgreementService } from '../agreements/agreement.service';
import { AuditService } from '../audit/audit.service';
import { conflict, fieldError, notFound } from '../common/errors';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext, actorUserId, roleOf } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { sqlOne, sqlRows } from '../db/sql';
import { checkTransition } from '../leads/lead-stage';
import type { LeadStage } from '../leads/lead-stage';
import { LeadRepository, TS_KEY } from '../leads/lead.repository';
import { LeadWriter } from '../leads/lead-writer';
import type { LeadRow } from '../leads/lead-view';
import { canSee, visibleTitle } from '../leads/lead-policy';
import { CollisionDetector } from './collision-detector';
import { CollisionStatus, CollisionViewDto, Resolution } from './collision.dto';

/** The agreement kind of a two-sided resolution (DESIGN §7, §14). */
export const COLLISION_RESOLVE = 'collision.resolve';
export interface CollisionResolveChange {
  resolution: 'joint' | 'dismissed';
}

interface CollisionItemRow {
  id: string;
  basis: 'uscc' | 'name';
  similarity: number;
  first_reported_by: Jurisdiction;
  status: CollisionStatus;
  yielded_by: Jurisdiction | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  note: string | null;
  version: number;
  created_at: Date;
  _key: string;
  mine_id: string;
  mine_stage: string;
  mine_title: string;
  other_id: string;
  other_jurisdiction: Jurisdiction;
  other_stage: string;
  other_title: string;
  other_sharing: string;
  other_confidential: boolean;
  other_code_name: string | null;
  agreement: {
    id: string;
    resolution: 'joint' | 'dismissed';
    proposed_by: Jurisdiction;
    created_at: string;
    note: string | null;
  } | null;
}

/**
 * Collisions as a manager sees them (DESIGN §5, §7): that a collision exists, the other
 * jurisdiction, the other lead's stage and who reported first are always visible; the other lead's
 * id and title only when it is shared (its code name when confidential).
 */
export function collisionView(r: CollisionItemRow, viewer: Jurisdiction): CollisionViewDto {
  const otherVisible = canSee({ jurisdiction: r.other_jurisdiction, sharing: r.other_sharing }, viewer);
  return {
    id: r.id,
    basis: r.basis,
    similarity: Number(r.similarity),
    firstReportedBy: r.first_reported_by,
    status: r.status,
    yieldedBy: r.yielded_by,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    note: r.note,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    mine: { leadId: r.mine_id, stage: r.mine_stage, title: r.mine_title },
    other: {
      jurisdiction: r.other_jurisdiction,
      stage: r.other_stage,
      ...(otherVisible
        ? {
            leadId: r.other_id,
            title: visibleTitle(
              {
                jurisdiction: r.other_jurisdiction,
                confidential: r.other_confidential,
                code_name: r.other_code_name,
                title: r.other_title,
              },
              viewer,
            ),
          }
        : {}),
    },
    pendingAgreement: r.agreement
      ? {
          id: r.agreement.id,
          resolution: r.agreement.resolution,
          proposedBy: r.agreement.proposed_by,
          waitingOnMe: r.agreement.proposed_by !== viewer,
          note: r.agreement.note,
          createdAt: new Date(r.agreement.created_at).toISOString(),
        }
      : null,
  };
}

const ITEM_SQL = (where: string, tail = '') => `
  SELECT c.id, c.basis, c.similarity, c.first_reported_by, c.status, c.yielded_by, c.resolved_by,
         c.resolved_at, c.note, c.version, c.created_at, ${TS_KEY('c.created_at')} AS _key,
         m.id AS mine_id, m.stage AS mine_stage, m.title AS mine_title,
         o.id AS other_id, o.jurisdiction AS other_jurisdiction, o.stage AS other_stage, o.title AS other_title,
         o.sharing AS other_sharing, o.confidential AS other_confidential, o.code_name AS other_code_name,
         (SELECT json_build_object('id', a.id, 'resolution', a.change->>'resolution',
                                   'proposed_by', a.proposed_by_jurisdiction, 'created_at', a.created_at,
                                   'note', a.note)
            FROM agreements a
           WHERE a.subject_entity = 'collision' AND a.subject_id = c.id AND a.status = 'pending') AS agreement
    FROM collisions c
    JOIN leads m ON m.id = ANY(c.lead_ids) AND m.jurisdiction = $1
    JOIN leads o ON o.id = ANY(c.lead_ids) AND o.jurisdiction <> $1
   WHERE $1 = ANY(c.jurisdictions) AND ${where} ${tail}`;

interface LockedCollision {
  id: string;
  lead_ids: string[];
  jurisdictions: Jurisdiction[];
  status: CollisionStatus;
}

/**
 * Resolving collisions (DESIGN §7, §14). `yielded` withdraws the caller's own lead at once;
 * `joint` and `dismissed` bind both cities, so they are proposed as an agreement
 * (`collision.resolve`) and take effect only when a manager of the other city accepts it.
 */
@Injectable()
export class CollisionService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadRepository,
    private readonly writer: LeadWriter,
    private readonly audit: AuditService,
    private readonly detector: CollisionDetector,
    private readonly agreements: AgreementService,
    private readonly registry: AgreementRegistry,
  ) {}

  onModuleInit(): void {
    const kind: AgreementKind<CollisionResolveChange> = {
      kind: COLLISION_RESOLVE,
      subjectEntity: 'collision',
      proposers: ['manager', 'admin'],
      deciders: ['manager', 'admin'],
      prepare: async (em, ctx, subjectId, change) => {
        const c = await this.lockOpen(em, ctx, subjectId);
        return {
          change: { resolution: change.resolution },
          decidingJurisdiction: c.jurisdictions.find((j) => j !== ctx.jurisdiction)!,
        };
      },
      apply: (em, ctx, agreement) => this.applyAgreed(em, ctx, agreement),
    };
    this.registry.register(kind);
  }

  async list(
    ctx: RequestContext,
    status: CollisionStatus | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<CollisionViewDto>> {
    const after = decodeCursor(cursor, 2);
    if (after && (typeof after[0] !== 'string' || !isUuid(after[1]) || Number.isNaN(Date.parse(after[0]))))
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const params: unknown[] = [ctx.jurisdiction, limit + 1];
    const where: string[] = ['true'];
    if (roleOf(ctx) === 'officer') {
      params.push(ctx.actor.id);
      where.push(`m.owner_id = $${params.length}`);
    }
    if (status) {
      params.push(status);
      where.push(`c.status = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      const ts = `$${params.length - 1}::timestamptz`;
      where.push(`(c.created_at < ${ts} OR (c.created_at = ${ts} AND c.id < $${params.length}::uuid))`);
    }
    const rows = await sqlRows<CollisionItemRow>(
      this.ds,
      ITEM_SQL(where.join(' AND '), 'ORDER BY c.created_at DESC, c.id DESC LIMIT $2'),
      params,
    );
    return toPage(
      rows,
      limit,
      (r) => [r._key, r.id],
      (r) => collisionView(r, ctx.jurisdiction),
    );
  }

  /**
   * `yielded`: the caller's lead moves to `lost` now (200). `joint` / `dismissed`: an agreement
   * for the other city's manager (202); the collision stays open until it is accepted.
   */
  async resolve(
    ctx: RequestContext,
    id: string,
    resolution: Resolution,
    note?: string,
  ): Promise<{ accepted: boolean; collision: CollisionViewDto }> {
    requireUuidPath(id, 'collision');
    return this.ds.transaction(async (em) => {
      if (resolution === 'yielded') await this.yieldOwnLead(em, ctx, id, note);
      else await this.agreements.propose(em, ctx, COLLISION_RESOLVE, id, { resolution }, note);
      return { accepted: resolution !== 'yielded', collision: await this.view(em, ctx, id) };
    });
  }

  private async view(em: EntityManager, ctx: RequestContext, id: string): Promise<CollisionViewDto> {
    const [row] = await sqlRows<CollisionItemRow>(em, ITEM_SQL('c.id = $2'), [ctx.jurisdiction, id]);
    if (!row) throw notFound('collision');
    return collisionView(row, ctx.jurisdiction);
  }

  /** The collision, locked, if the caller's city is party to it and it is still open. */
  private async lockOpen(em: EntityManager, ctx: RequestContext, id: string): Promise<LockedCollision> {
    const c = await sqlOne<LockedCollision>(
      em,
      `SELECT id, lead_ids, jurisdictions, status FROM collisions WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!c || !c.jurisdictions.includes(ctx.jurisdiction)) throw notFound('collision');
    if (c.status !== 'open')
      throw conflict('COLLISION_ALREADY_RESOLVED', `This collision is already ${c.status}`, {
        status: c.status,
      });
    return c;
  }

  /** Both leads, locked in a fixed order (no deadlock with a concurrent resolve or stage move). */
  private async lockLeads(
    em: EntityManager,
    c: LockedCollision,
    mineIn: Jurisdiction,
  ): Promise<{ mine: LeadRow; other: LeadRow }> {
    const locked: (LeadRow | undefined)[] = [];
    for (const leadId of [...c.lead_ids].sort()) locked.push(await this.leads.findForUpdate(em, leadId));
    const mine = locked.find((l) => l?.jurisdiction === mineIn);
    const other = locked.find((l) => l && l.jurisdiction !== mineIn);
    if (!mine || !other) throw notFound('collision');
    return { mine, other };
  }

  /** DESIGN §7: a manager may always withdraw their own city's lead, without the other side. */
  private async yieldOwnLead(
    em: EntityManager,
    ctx: RequestContext,
    id: string,
    note?: string,
  ): Promise<void> {
    const c = await this.lockOpen(em, ctx, id);
    const { mine } = await this.lockLeads(em, c, ctx.jurisdiction);
    if (mine.stage !== 'lost') {
      const from = mine.stage as LeadStage;
      const check = checkTransition(from, 'lost', { resumeStage: mine.resume_stage, isManager: true });
      if (!check.ok) {
        throw conflict(
          'LEAD_STAGE_TRANSITION_NOT_ALLOWED',
          `Your lead is ${from} and cannot move to lost; allowed: ${check.allowed.join(', ') || 'none'}`,
          { from, to: 'lost', allowed: check.allowed },
        );
      }
      await this.withdraw(em, ctx, mine, note);
    }
    await this.setStatus(em, ctx, id, 'yielded', actorUserId(ctx), note, ctx.jurisdiction);
    // A proposal of either side about this collision has nothing left to decide.
    await this.agreements.withdrawPendingAbout(
      em,
      ctx,
      'collision',
      id,
      note
        ? `撞单已由${ctx.jurisdiction}让出 / yielded: ${note}`
        : `撞单已由${ctx.jurisdiction}让出 / yielded`,
    );
  }

  /** An accepted `collision.resolve` agreement, in the accepting manager's transaction. */
  private async applyAgreed(
    em: EntityManager,
    ctx: RequestContext,
    agreement: AgreementRecord<CollisionResolveChange>,
  ): Promise<void> {
    const c = await this.lockOpen(em, ctx, agreement.subjectId);
    const { resolution } = agreement.change;
    if (resolution === 'joint') {
      const { mine, other } = await this.lockLeads(em, c, ctx.jurisdiction);
      for (const [lead, partner] of [
        [mine, other],
        [other, mine],
      ]) {
        await this.writer.shareAndLink(em, ctx, lead, partner.id);
      }
    }
    await this.setStatus(em, ctx, c.id, resolution, actorUserId(ctx), agreement.note ?? undefined, null);
    // Different investors: the pair no longer joins their leads into one investor.
    if (resolution === 'dismissed') await this.detector.refreshFirstReport(em, c.lead_ids);
  }

  private async setStatus(
    em: EntityManager,
    ctx: RequestContext,
    id: string,
    status: Exclude<CollisionStatus, 'open'>,
    resolvedBy: string | null,
    note: string | undefined,
    yieldedBy: Jurisdiction | null,
  ): Promise<void> {
    await sqlRows(
      em,
      `UPDATE collisions SET status = $2, yielded_by = $3, resolved_by = $4, resolved_at = now(), note = $5,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id, status, yieldedBy, resolvedBy, note ?? null],
    );
    await this.audit.record(em, ctx, 'resolve', 'collision', id, {
      status: ['open', status],
      ...(note ? { note: [null, note] } : {}),
    });
  }

  /** The yielding side's lead moves to `lost`, with a timeline entry (DESIGN §6). */
  private async withdraw(
    em: EntityManager,
    ctx: RequestContext,
    lead: LeadRow,
    note?: string,
  ): Promise<void> {
    await this.writer.changeStage(em, ctx, lead, {
      to: 'lost',
      resumeStage: null,
      summary: note ? `撞单让出 / yielded in a collision: ${note}` : '撞单让出 / yielded in a collision',
    });
  }
}
