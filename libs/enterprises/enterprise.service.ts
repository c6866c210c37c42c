import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, diffFields } from '../audit/audit.service';
import { preconditionFailed } from '../common/concurrency';
import { AppError, FieldError, fieldError, forbidden, notFound } from '../common/errors';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, encodeCursor } from '../common/pagination';
import { RequestContext } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { throwIfInvalid, unique, unknownSegments } from './base-data';
import { ENTERPRISE_FIELDS, Enterprise, EnterpriseValues } from './enterprise';
import {
  CreateEnterpriseDto,
  EnterpriseListQuery,
  SegmentCountsDto,
  UpdateEnterpriseDto,
} from './enterprise.dto';
import { EnterpriseFilter, EnterpriseKey, EnterpriseRepository } from './enterprise.repository';
import { JOB_KEYS } from '../jobs/jobs';

const USCC_INDEX = 'enterprises_uscc_key';

/**
 * Enterprises of the shared base data (DESIGN §4–5): everyone reads them; only the record's own
 * jurisdiction changes them. Every change writes an audit entry and a `rematch-affected` job in
 * the same transaction.
 */
@Injectable()
export class EnterpriseService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: EnterpriseRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async list(_ctx: RequestContext, q: EnterpriseListQuery): Promise<Page<Enterprise>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const filter: EnterpriseFilter = { jurisdiction: q.jurisdiction, chainLeader: q.chainLeader, q: q.q };
    const graph = await this.taxonomy.graph();
    if (q.segment !== undefined) {
      if (!graph.hasSegment(q.segment)) throw fieldError('segment', `unknown segment ${q.segment}`);
      filter.segment = q.segment;
    }
    if (q.industry !== undefined) {
      if (!graph.industryByCode.has(q.industry))
        throw fieldError('industry', `unknown industry ${q.industry}`);
      filter.anySegments = graph.segmentsOfIndustry(q.industry);
    }
    const after = parseKey(decodeCursor(q.cursor, q.q ? 2 : 1));
    const rows = await this.repo.list(this.ds, filter, limit, after);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      items: page.map((r) => r.item),
      nextCursor: more ? encodeCursor(page[page.length - 1].key) : null,
    };
  }

  async segmentCounts(raw: string | undefined): Promise<SegmentCountsDto> {
    const graph = await this.taxonomy.graph();
    const segments =
      raw === undefined || raw.trim() === '' ? null : unique(raw.split(',').map((s) => s.trim()));
    const unknown = (segments ?? []).filter((s) => !graph.hasSegment(s));
    if (unknown.length) throw fieldError('segments', `unknown segment ${unknown.join(', ')}`);
    return { items: (await this.repo.segmentCounts(this.ds, segments)) as SegmentCountsDto['items'] };
  }

  async get(_ctx: RequestContext, id: string): Promise<Enterprise> {
    const found = await this.repo.findLive(this.ds, requireUuidPath(id, 'enterprise'));
    if (!found) throw notFound('enterprise');
    return found;
  }

  async create(ctx: RequestContext, dto: CreateEnterpriseDto): Promise<Enterprise> {
    if (dto.jurisdiction !== undefined && dto.jurisdiction !== ctx.jurisdiction) {
      throw fieldError(
        'jurisdiction',
        `an enterprise belongs to the creating caller’s jurisdiction (${ctx.jurisdiction})`,
      );
    }
    const values: EnterpriseValues = {
      name: dto.name,
      uscc: dto.uscc ?? null,
      jurisdiction: ctx.jurisdiction,
      segments: unique(dto.segments),
      needs: unique(dto.needs ?? []),
      chainLeader: dto.chainLeader ?? false,
      revenueWan: dto.revenueWan ?? null,
      employees: dto.employees ?? null,
      address: dto.address ?? null,
      tags: unique(dto.tags ?? []),
      externalRefs: (dto.externalRefs ?? []).map((r) => ({ system: r.system, id: r.id })),
    };
    await this.checkSegments(values);
    return this.write(async (em) => {
      if (values.uscc) await this.checkUsccFree(em, values.uscc);
      const created = await this.repo.insert(em, values);
      await this.afterChange(
        em,
        ctx,
        'create',
        created,
        diffFields({}, pick(created), [...ENTERPRISE_FIELDS]),
      );
      return created;
    });
  }

  async update(
    ctx: RequestContext,
    id: string,
    expectedVersion: number,
    dto: UpdateEnterpriseDto,
  ): Promise<Enterprise> {
    const current = await this.get(ctx, id);
    this.assertMayChange(ctx, current);
    if (dto.jurisdiction !== undefined && dto.jurisdiction !== current.jurisdiction) {
      throw fieldError('jurisdiction', 'an enterprise cannot move to another jurisdiction');
    }
    const patch: Partial<EnterpriseValues> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.uscc !== undefined) patch.uscc = dto.uscc;
    if (dto.segments !== undefined) patch.segments = unique(dto.segments);
    if (dto.needs !== undefined) patch.needs = unique(dto.needs);
    if (dto.chainLeader !== undefined) patch.chainLeader = dto.chainLeader;
    if (dto.revenueWan !== undefined) patch.revenueWan = dto.revenueWan;
    if (dto.employees !== undefined) patch.employees = dto.employees;
    if (dto.address !== undefined) patch.address = dto.address;
    if (dto.tags !== undefined) patch.tags = unique(dto.tags);
    if (dto.externalRefs !== undefined)
      patch.externalRefs = dto.externalRefs.map((r) => ({ system: r.system, id: r.id }));
    await this.checkSegments(patch);
    if (current.version !== expectedVersion) throw preconditionFailed(current.version);
    const changes = diffFields(pick(current), { ...pick(current), ...patch }, Object.keys(patch));
    // Nothing would change: no new version, no audit entry, no job.
    if (!Object.keys(changes).length) return current;
    const changed = Object.fromEntries(
      Object.keys(changes).map((f) => [f, patch[f as keyof EnterpriseValues]]),
    ) as Partial<EnterpriseValues>;
    return this.write(async (em) => {
      if (changed.uscc) await this.checkUsccFree(em, changed.uscc, current.id);
      const updated = await this.repo.update(em, current.id, expectedVersion, changed);
      if (!updated) throw await this.staleOrGone(em, current.id);
      await this.afterChange(em, ctx, 'update', updated, changes);
      return updated;
    });
  }

  /** Soft delete (DESIGN §11: a tombstone reaches the changes feed). If-Match is honoured when sent. */
  async remove(ctx: RequestContext, id: string, expectedVersion: number | null): Promise<void> {
    const current = await this.get(ctx, id);
    this.assertMayChange(ctx, current);
    if (expectedVersion !== null && current.version !== expectedVersion) {
      throw preconditionFailed(current.version);
    }
    await this.write(async (em) => {
      const gone = await this.repo.softDelete(em, current.id, expectedVersion);
      if (!gone) throw await this.staleOrGone(em, current.id);
      await this.afterChange(
        em,
        ctx,
        'delete',
        { ...current, version: gone.version },
        { deletedAt: [null, gone.deletedAt] },
      );
    });
  }

  /** DESIGN §5: only users and keys of the record's own jurisdiction change it. */
  private assertMayChange(ctx: RequestContext, e: Enterprise): void {
    if (e.jurisdiction !== ctx.jurisdiction) {
      throw forbidden(
        'NOT_YOUR_JURISDICTION',
        `This enterprise belongs to ${e.jurisdiction}; only its own jurisdiction may change it`,
      );
    }
  }

  private async checkSegments(v: Partial<EnterpriseValues>): Promise<void> {
    const graph = await this.taxonomy.graph();
    const errors: FieldError[] = [
      ...unknownSegments(graph, v.segments, 'segments'),
      ...unknownSegments(graph, v.needs, 'needs'),
    ];
    throwIfInvalid(errors);
  }

  private async checkUsccFree(em: EntityManager, uscc: string, exceptId?: string): Promise<void> {
    const holder = await this.repo.findIdByUscc(em, uscc, exceptId);
    if (holder) throw usccTaken(holder);
  }

  private async staleOrGone(em: EntityManager, id: string): Promise<AppError> {
    const version = await this.repo.liveVersion(em, id);
    return version === null ? notFound('enterprise') : preconditionFailed(version);
  }

  private async afterChange(
    em: EntityManager,
    ctx: RequestContext,
    action: 'create' | 'update' | 'delete',
    e: Enterprise,
    changes: ReturnType<typeof diffFields>,
  ): Promise<void> {
    await this.audit.record(em, ctx, action, 'enterprise', e.id, changes, e.jurisdiction);
    await this.outbox.enqueue(
      em,
      'rematch-affected',
      { entity: 'enterprise', id: e.id, version: e.version },
      JOB_KEYS.rematchAffected('enterprise', e.id, e.version),
    );
  }

  /** A transaction whose unique-USCC race (two creates at once) ends as 409, not 500. */
  private async write<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.ds.transaction(work);
    } catch (e) {
      const pg = e as { code?: string; constraint?: string };
      if (pg.code === '23505' && pg.constraint === USCC_INDEX) throw usccTaken(null);
      throw e;
    }
  }
}

function usccTaken(holderId: string | null): AppError {
  return new AppError(
    HttpStatus.CONFLICT,
    'USCC_TAKEN',
    'Another enterprise already has this USCC',
    [{ field: 'uscc', message: 'already used by another enterprise' }],
    holderId ? { enterpriseId: holderId } : undefined,
  );
}

function pick(e: EnterpriseValues): Record<string, unknown> {
  return Object.fromEntries(ENTERPRISE_FIELDS.map((f) => [f, e[f]]));
}

function parseKey(values: unknown[] | null): EnterpriseKey | null {
  if (!values) return null;
  const ok =
    values.length === 1
      ? isUuid(values[0])
      : typeof values[0] === 'number' && Number.isFinite(values[0]) && isUuid(values[1]);
  if (!ok) throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
  return values as EnterpriseKey;
}
