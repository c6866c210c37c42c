import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { conflict, fieldError, notFound } from '../common/errors';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext, actorUserId, roleOf } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { sqlOne, sqlRows } from '../db/sql';
import { EventsService } from '../events/events.service';
import { LeadRepository, TS_KEY } from '../leads/lead.repository';
import { visibleTitle } from '../leads/lead-view';
import { CollisionStatus, CollisionViewDto, Resolution } from './collision.dto';

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
}

/**
 * Collisions as a manager sees them (DESIGN §5, §7): that a collision exists, the other
 * jurisdiction, the other lead's stage and who reported first are always visible; the other lead's
 * id and title only when it is shared (its code name when confidential).
 */
export function collisionView(r: CollisionItemRow, viewer: Jurisdiction): CollisionViewDto {
  const otherShared = r.other_sharing === 'shared';
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
      ...(otherShared
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
  };
}

const ITEM_SQL = (where: string, tail = '') => `
  SELECT c.id, c.basis, c.similarity, c.first_reported_by, c.status, c.yielded_by, c.resolved_by,
         c.resolved_at, c.note, c.version, c.created_at, ${TS_KEY('c.created_at')} AS _key,
         m.id AS mine_id, m.stage AS mine_stage, m.title AS mine_title,
         o.id AS other_id, o.jurisdiction AS other_jurisdiction, o.stage AS other_stage, o.title AS other_title,
         o.sharing AS other_sharing, o.confidential AS other_confidential, o.code_name AS other_code_name
    FROM collisions c
    JOIN leads m ON m.id = ANY(c.lead_ids) AND m.jurisdiction = $1
    JOIN leads o ON o.id = ANY(c.lead_ids) AND o.jurisdiction <> $1
   WHERE $1 = ANY(c.jurisdictions) AND ${where} ${tail}`;

@Injectable()
export class CollisionService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadRepository,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

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

  async resolve(
    ctx: RequestContext,
    id: string,
    resolution: Resolution,
    note?: string,
  ): Promise<CollisionViewDto> {
    requireUuidPath(id, 'collision');
    return this.ds.transaction(async (em) => {
      const c = await sqlOne<{ id: string; lead_ids: string[]; jurisdictions: string[]; status: string }>(
        em,
        `SELECT id, lead_ids, jurisdictions, status FROM collisions WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!c || !c.jurisdictions.includes(ctx.jurisdiction)) throw notFound('collision');
      if (c.status !== 'open')
        throw conflict('COLLISION_ALREADY_RESOLVED', `This collision is already ${c.status}`, {
          status: c.status,
        });
      // Lock both leads in a fixed order (no deadlock with a concurrent resolve or stage move).
      const leadIds = [...c.lead_ids].sort();
      const locked = [];
      for (const leadId of leadIds) locked.push(await this.leads.findForUpdate(em, leadId));
      const mine = locked.find((l) => l?.jurisdiction === ctx.jurisdiction);
      const other = locked.find((l) => l && l.jurisdiction !== ctx.jurisdiction);
      if (!mine || !other) throw notFound('collision');

      if (resolution === 'joint') {
        for (const [lead, partner] of [
          [mine, other],
          [other, mine],
        ]) {
          const after = await this.leads.shareAndLink(em, lead.id, partner.id);
          await this.audit.record(
            em,
            ctx,
            'collision_joint',
            'lead',
            lead.id,
            {
              sharing: [lead.sharing, after.sharing],
              linkedLeadIds: [lead.linked_lead_ids, after.linked_lead_ids],
            },
            lead.jurisdiction,
          );
          await this.events.record(em, {
            type: 'lead.updated',
            entity: 'lead',
            entityId: lead.id,
            entityVersion: after.version,
            jurisdiction: lead.jurisdiction,
          });
        }
      } else if (resolution === 'yielded' && mine.stage !== 'lost') {
        await this.withdraw(em, ctx, mine.id, mine.stage, note);
      }

      await sqlRows(
        em,
        `UPDATE collisions SET status = $2, yielded_by = $3, resolved_by = $4, resolved_at = now(), note = $5,
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING id`,
        [id, resolution, resolution === 'yielded' ? ctx.jurisdiction : null, actorUserId(ctx), note ?? null],
      );
      await this.audit.record(em, ctx, 'resolve', 'collision', id, {
        status: ['open', resolution],
        ...(note ? { note: [null, note] } : {}),
      });
      const [row] = await sqlRows<CollisionItemRow>(em, ITEM_SQL('c.id = $2'), [ctx.jurisdiction, id]);
      return collisionView(row, ctx.jurisdiction);
    });
  }

  /** The yielding side withdraws its lead (DESIGN §7): it moves to `lost`, with a timeline entry. */
  private async withdraw(
    em: EntityManager,
    ctx: RequestContext,
    leadId: string,
    fromStage: string,
    note?: string,
  ): Promise<void> {
    const after = await this.leads.setStage(em, leadId, 'lost', null);
    await this.leads.insertActivity(em, {
      leadId,
      type: 'stage_change',
      occurredAt: null,
      summary: note ? `撞单让出 / yielded in a collision: ${note}` : '撞单让出 / yielded in a collision',
      authorId: actorUserId(ctx),
      authorKeyId: null,
      jurisdiction: ctx.jurisdiction,
      fromStage,
      toStage: 'lost',
    });
    await this.audit.record(em, ctx, 'stage_change', 'lead', leadId, { stage: [fromStage, 'lost'] });
    await this.events.record(em, {
      type: 'lead.stage_changed',
      entity: 'lead',
      entityId: leadId,
      entityVersion: after.version,
      jurisdiction: ctx.jurisdiction,
      detail: { fromStage, toStage: 'lost' },
    });
  }
}
