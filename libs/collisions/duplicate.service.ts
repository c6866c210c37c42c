import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { conflict, fieldError, notFound } from '../common/errors';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext, actorUserId } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { sqlOne, sqlParams, sqlRows } from '../db/sql';
import { LeadRepository, TS_KEY } from '../leads/lead.repository';
import { LeadWriter } from '../leads/lead-writer';
import type { LeadRow } from '../leads/lead-view';
import { withdrawLeadMatches } from '../match-store/match-withdrawal';
import { CollisionDetector } from './collision-detector';
import { DuplicateListQuery, DuplicateStatus, DuplicateViewDto } from './duplicate.dto';

interface DuplicateRow {
  id: string;
  jurisdiction: string;
  lead_ids: string[];
  basis: 'uscc' | 'name';
  similarity: number;
  status: DuplicateStatus;
  resolved_by: string | null;
  resolved_at: Date | null;
  note: string | null;
  version: number;
  created_at: Date;
  _key?: string;
  leads?: DuplicateLead[];
}

interface DuplicateLead {
  id: string;
  title: string;
  investor_name: string;
  stage: string;
  owner_id: string | null;
  created_at: string;
  activities: number;
}

const ITEM_SQL = (where: string, tail = '') => `
  SELECT d.*, ${TS_KEY('d.created_at')} AS _key,
         (SELECT json_agg(json_build_object('id', l.id, 'title', l.title, 'investor_name', l.investor_name,
                   'stage', l.stage, 'owner_id', l.owner_id, 'created_at', l.created_at,
                   'activities', (SELECT count(*) FROM activities a WHERE a.lead_id = l.id))
                   ORDER BY array_position(d.lead_ids, l.id))
            FROM leads l WHERE l.id = ANY(d.lead_ids)) AS leads
    FROM lead_duplicates d
   WHERE d.jurisdiction = $1 AND ${where} ${tail}`;

function duplicateView(r: DuplicateRow): DuplicateViewDto {
  const side = (l: DuplicateLead) => ({
    leadId: l.id,
    title: l.title,
    investorName: l.investor_name,
    stage: l.stage,
    ownerId: l.owner_id,
    createdAt: new Date(l.created_at).toISOString(),
    activities: Number(l.activities),
  });
  const [older, newer] = r.leads ?? [];
  return {
    id: r.id,
    basis: r.basis,
    similarity: Number(r.similarity),
    status: r.status,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    note: r.note,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    older: side(older),
    newer: side(newer),
  };
}

/**
 * Same-city duplicates (DESIGN §7): two active leads of one jurisdiction for the same investor,
 * shown to that jurisdiction's managers (never to the partner). A merge keeps the older lead and
 * brings over what the newer one holds; dismissing says they are different investors.
 */
@Injectable()
export class DuplicateService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadRepository,
    private readonly writer: LeadWriter,
    private readonly audit: AuditService,
    private readonly detector: CollisionDetector,
  ) {}

  async list(ctx: RequestContext, q: DuplicateListQuery): Promise<Page<DuplicateViewDto>> {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, 2);
    if (after && (typeof after[0] !== 'string' || Number.isNaN(Date.parse(after[0])) || !isUuid(after[1])))
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const { params, p } = sqlParams([ctx.jurisdiction]);
    const where = ['true'];
    if (q.status) where.push(`d.status = ${p(q.status)}`);
    if (after) {
      const ts = `${p(after[0])}::timestamptz`;
      where.push(`(d.created_at < ${ts} OR (d.created_at = ${ts} AND d.id < ${p(after[1])}::uuid))`);
    }
    const rows = await sqlRows<DuplicateRow>(
      this.ds,
      ITEM_SQL(where.join(' AND '), `ORDER BY d.created_at DESC, d.id DESC LIMIT ${p(limit + 1)}`),
      params,
    );
    return toPage(rows, limit, (r) => [r._key, r.id], duplicateView);
  }

  /** Not the same investor: the pair is closed and no longer links the two leads. */
  async dismiss(ctx: RequestContext, id: string, note?: string): Promise<DuplicateViewDto> {
    return this.ds.transaction(async (em) => {
      const d = await this.lockOpen(em, ctx, id);
      await this.close(em, ctx, d, 'dismissed', note);
      await this.detector.refreshFirstReport(em, d.lead_ids);
      return this.view(em, ctx, d.id);
    });
  }

  /**
   * Merges the newer lead into the older one, in one transaction: its timeline, external refs and
   * the contacts the older lead lacks move over; its open collisions and duplicates pass to the
   * older lead (unless that one already has the same pair); its matches are withdrawn; it moves to
   * `lost` with a timeline entry. Audit entries on both leads and on the duplicate.
   */
  async merge(ctx: RequestContext, id: string, note?: string): Promise<DuplicateViewDto> {
    return this.ds.transaction(async (em) => {
      const d = await this.lockOpen(em, ctx, id);
      const [keepId, goneId] = d.lead_ids;
      const locked = new Map<string, LeadRow>();
      for (const leadId of [...d.lead_ids].sort()) {
        const row = await this.leads.findForUpdate(em, leadId);
        if (row) locked.set(leadId, row);
      }
      const keep = locked.get(keepId);
      const gone = locked.get(goneId);
      if (!keep || !gone) throw notFound('duplicate');
      if (keep.stage === 'lost')
        throw conflict(
          'DUPLICATE_KEPT_LEAD_LOST',
          'The older lead is lost: reopen it before merging, or dismiss the pair',
          { leadId: keep.id },
        );

      const withdrawn = await withdrawLeadMatches(em, gone.id);
      await this.writer.merge(em, ctx, { gone, keep, note, matchesWithdrawn: withdrawn.length });
      await this.handOverPairs(em, gone.id, keep.id, d.id);
      await this.close(em, ctx, d, 'merged', note);
      await this.detector.refreshFirstReport(em, [keep.id, gone.id]);
      return this.view(em, ctx, d.id);
    });
  }

  /**
   * The merged-away lead's open collisions and duplicates become the kept lead's (its investor's),
   * each pair ordered older lead first; a pair the kept lead already has stays with the lost lead.
   */
  private async handOverPairs(
    em: EntityManager,
    goneId: string,
    keepId: string,
    mergedId: string,
  ): Promise<void> {
    for (const table of ['collisions', 'lead_duplicates']) {
      await sqlRows(
        em,
        `WITH moving AS (
           SELECT t.id, o.id AS other_id, o.created_at AS other_created
             FROM ${table} t
             JOIN leads o ON o.id = ANY(t.lead_ids) AND o.id <> $1
            WHERE t.lead_ids @> ARRAY[$1::uuid] AND t.status = 'open' AND t.id <> $3 AND o.id <> $2),
         keep AS (SELECT id, created_at FROM leads WHERE id = $2)
         UPDATE ${table} t
            SET lead_ids = CASE WHEN (keep.created_at, keep.id) < (m.other_created, m.other_id)
                                THEN ARRAY[keep.id, m.other_id] ELSE ARRAY[m.other_id, keep.id] END,
                version = t.version + 1, updated_at = now()
           FROM moving m, keep
          WHERE t.id = m.id
            AND NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.lead_ids @> ARRAY[keep.id, m.other_id])`,
        [goneId, keepId, mergedId],
      );
    }
  }

  private async lockOpen(em: EntityManager, ctx: RequestContext, id: string): Promise<DuplicateRow> {
    const d = await sqlOne<DuplicateRow>(em, `SELECT * FROM lead_duplicates WHERE id = $1 FOR UPDATE`, [
      requireUuidPath(id, 'duplicate'),
    ]);
    if (!d || d.jurisdiction !== ctx.jurisdiction) throw notFound('duplicate');
    if (d.status !== 'open')
      throw conflict('DUPLICATE_ALREADY_RESOLVED', `This duplicate is already ${d.status}`, {
        status: d.status,
      });
    return d;
  }

  private async close(
    em: EntityManager,
    ctx: RequestContext,
    d: DuplicateRow,
    status: Exclude<DuplicateStatus, 'open'>,
    note?: string,
  ): Promise<void> {
    await sqlRows(
      em,
      `UPDATE lead_duplicates SET status = $2, resolved_by = $3, resolved_at = now(), note = $4,
              version = version + 1, updated_at = now()
        WHERE id = $1`,
      [d.id, status, actorUserId(ctx), note ?? null],
    );
    await this.audit.record(em, ctx, status === 'merged' ? 'merge' : 'dismiss', 'duplicate', d.id, {
      status: ['open', status],
      ...(note ? { note: [null, note] } : {}),
    });
  }

  private async view(em: EntityManager, ctx: RequestContext, id: string): Promise<DuplicateViewDto> {
    const row = await sqlOne<DuplicateRow>(em, ITEM_SQL('d.id = $2'), [ctx.jurisdiction, id]);
    if (!row) throw notFound('duplicate');
    return duplicateView(row);
  }
}
