import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AgreementKind } from '../agreements/agreement';
import { AgreementRegistry } from '../agreements/agreement-registry';
import { AgreementService } from '../agreements/agreement.service';
import type { AgreementViewDto } from '../agreements/agreement.dto';
import { AuditService, FieldChanges, diffFields } from '../audit/audit.service';
import { preconditionFailed } from '../common/concurrency';
import { AppError, conflict, fieldError, forbidden, notFound } from '../common/errors';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, encodeCursor } from '../common/pagination';
import { JURISDICTIONS, Jurisdiction, RequestContext, partnerOf } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { throwIfInvalid, unique, unknownSegments } from '../enterprises/base-data';
import { OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import {
  PARK_FIELDS,
  Park,
  ParkValues,
  changesParkOwnership,
  parkJurisdictionsChange,
  parkOwnershipErrors,
} from './park';
import { CreateParkDto, ParkListQuery, ProposeParkJurisdictionsDto, UpdateParkDto } from './park.dto';

/** The agreement kind that adds, removes or replaces a park's jurisdictions (DESIGN §5, §14). */
export const PARK_JURISDICTIONS = 'park.jurisdictions';
export type ParkJurisdictionsChange = { jurisdictions: Jurisdiction[]; coBuilt: boolean };

const agreementRequired = (id: string | null) =>
  conflict(
    'AGREEMENT_REQUIRED',
    id
      ? `A park's jurisdictions change only by agreement of both cities: propose it with POST /api/v1/parks/${id}/jurisdiction-proposals`
      : `A park becomes co-built only by agreement of both cities: create it for your city, then propose co-building with POST /api/v1/parks/{id}/jurisdiction-proposals`,
  );
import { ParkFilter, ParkKey, ParkRepository } from './park.repository';
import { JOB_KEYS } from '../jobs/jobs';

/**
 * Parks and carriers of the shared base data (DESIGN §4–5, §9): everyone reads them; a park is
 * changed by its own jurisdiction, the co-built park by either. Every change writes an audit
 * entry and a `rematch-affected` job in the same transaction.
 */
@Injectable()
export class ParkService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: ParkRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly agreements: AgreementService,
    private readonly registry: AgreementRegistry,
  ) {}

  onModuleInit(): void {
    const kind: AgreementKind<ParkJurisdictionsChange> = {
      kind: PARK_JURISDICTIONS,
      subjectEntity: 'park',
      proposers: ['admin'],
      deciders: ['admin'],
      prepare: async (em, ctx, parkId, change) => {
        const park = await this.repo.findForUpdate(em, parkId);
        if (!park) throw notFound('park');
        const next = parkJurisdictionsChange(JURISDICTIONS, change.jurisdictions);
        if (!changesParkOwnership(park, next))
          throw fieldError('jurisdictions', `the park already belongs to ${park.jurisdictions.join(', ')}`);
        return { change: next, decidingJurisdiction: partnerOf(ctx.jurisdiction) };
      },
      apply: async (em, ctx, agreement) => {
        const park = await this.repo.findForUpdate(em, agreement.subjectId);
        if (!park) throw notFound('park');
        const next = agreement.change;
        if (!changesParkOwnership(park, next)) return;
        const updated = (await this.repo.update(em, park.id, park.version, next))!;
        await this.afterChange(
          em,
          ctx,
          'update',
          updated,
          diffFields(pick(park), pick(updated), ['jurisdictions', 'coBuilt']),
        );
      },
    };
    this.registry.register(kind);
  }

  /** Proposes new jurisdictions for a park; they apply when an admin of the other city accepts. */
  async proposeJurisdictions(
    ctx: RequestContext,
    id: string,
    dto: ProposeParkJurisdictionsDto,
  ): Promise<AgreementViewDto> {
    requireUuidPath(id, 'park');
    return this.ds.transaction((em) =>
      this.agreements.propose<Pick<ParkJurisdictionsChange, 'jurisdictions'>>(
        em,
        ctx,
        PARK_JURISDICTIONS,
        id,
        { jurisdictions: dto.jurisdictions },
        dto.note,
      ),
    );
  }

  async list(_ctx: RequestContext, q: ParkListQuery): Promise<Page<Park>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const filter: ParkFilter = { jurisdiction: q.jurisdiction, coBuilt: q.coBuilt, q: q.q };
    if (q.segment !== undefined) {
      if (!(await this.taxonomy.graph()).hasSegment(q.segment))
        throw fieldError('segment', `unknown segment ${q.segment}`);
      filter.segment = q.segment;
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

  async get(_ctx: RequestContext, id: string): Promise<Park> {
    const found = await this.repo.find(this.ds, requireUuidPath(id, 'park'));
    if (!found) throw notFound('park');
    return found;
  }

  async create(ctx: RequestContext, dto: CreateParkDto): Promise<Park> {
    const jurisdictions = sortJurisdictions(
      dto.jurisdictions ?? (dto.coBuilt ? [...JURISDICTIONS] : [ctx.jurisdiction]),
    );
    const values: ParkValues = {
      name: dto.name,
      nameEn: dto.nameEn ?? null,
      jurisdictions,
      coBuilt: dto.coBuilt ?? jurisdictions.length === 2,
      targetSegments: unique(dto.targetSegments ?? []),
      availableLandMu: dto.availableLandMu ?? null,
      factorySpaceSqm: dto.factorySpaceSqm ?? null,
      incentives: dto.incentives ?? null,
    };
    await this.checkValues(ctx, values);
    if (values.coBuilt || values.jurisdictions.length > 1) throw agreementRequired(null);
    return this.ds.transaction(async (em) => {
      const created = await this.repo.insert(em, values);
      await this.afterChange(em, ctx, 'create', created, diffFields({}, pick(created), [...PARK_FIELDS]));
      return created;
    });
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateParkDto): Promise<Park> {
    const current = await this.get(ctx, id);
    if (!current.jurisdictions.includes(ctx.jurisdiction)) {
      throw forbidden(
        'NOT_YOUR_JURISDICTION',
        `This park belongs to ${current.jurisdictions.join(', ')}; only its own jurisdiction may change it`,
      );
    }
    const patch: Partial<ParkValues> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.nameEn !== undefined) patch.nameEn = dto.nameEn;
    if (dto.jurisdictions !== undefined) patch.jurisdictions = sortJurisdictions(dto.jurisdictions);
    if (dto.coBuilt !== undefined) patch.coBuilt = dto.coBuilt;
    else if (patch.jurisdictions) patch.coBuilt = patch.jurisdictions.length === 2;
    if (dto.targetSegments !== undefined) patch.targetSegments = unique(dto.targetSegments);
    if (dto.availableLandMu !== undefined) patch.availableLandMu = dto.availableLandMu;
    if (dto.factorySpaceSqm !== undefined) patch.factorySpaceSqm = dto.factorySpaceSqm;
    if (dto.incentives !== undefined) patch.incentives = dto.incentives;
    if (changesParkOwnership(current, { ...current, ...patch })) throw agreementRequired(current.id);
    await this.checkValues(ctx, { ...pick(current), ...patch } as ParkValues);
    if (current.version !== expectedVersion) throw preconditionFailed(current.version);
    const changes = diffFields(pick(current), { ...pick(current), ...patch }, Object.keys(patch));
    if (!Object.keys(changes).length) return current;
    const changed = Object.fromEntries(
      Object.keys(changes).map((f) => [f, patch[f as keyof ParkValues]]),
    ) as Partial<ParkValues>;
    return this.ds.transaction(async (em) => {
      const updated = await this.repo.update(em, current.id, expectedVersion, changed);
      if (!updated) throw await this.staleOrGone(em, current.id);
      await this.afterChange(em, ctx, 'update', updated, changes);
      return updated;
    });
  }

  /** Rules on the whole record: known target segments; ownership of DESIGN §5. */
  private async checkValues(ctx: RequestContext, v: ParkValues): Promise<void> {
    throwIfInvalid([
      ...unknownSegments(await this.taxonomy.graph(), v.targetSegments, 'targetSegments'),
      ...parkOwnershipErrors(ctx.jurisdiction, v.jurisdictions, v.coBuilt),
    ]);
  }

  private async staleOrGone(em: EntityManager, id: string): Promise<AppError> {
    const version = await this.repo.version(em, id);
    return version === null ? notFound('park') : preconditionFailed(version);
  }

  private async afterChange(
    em: EntityManager,
    ctx: RequestContext,
    action: 'create' | 'update',
    park: Park,
    changes: FieldChanges,
  ): Promise<void> {
    // The caller is always one of the park's jurisdictions here; the audit reader also shows a
    // co-built park's entries to the other jurisdiction.
    await this.audit.record(em, ctx, action, 'park', park.id, changes, ctx.jurisdiction);
    await this.outbox.enqueue(
      em,
      'rematch-affected',
      { entity: 'park', id: park.id, version: park.version },
      JOB_KEYS.rematchAffected('park', park.id, park.version),
    );
  }
}

function sortJurisdictions(js: readonly Jurisdiction[]): Jurisdiction[] {
  return JURISDICTIONS.filter((j) => js.includes(j));
}

function pick(p: ParkValues): Record<string, unknown> {
  return Object.fromEntries(PARK_FIELDS.map((f) => [f, p[f]]));
}

function parseKey(values: unknown[] | null): ParkKey | null {
  if (!values) return null;
  const ok =
    values.length === 1
      ? isUuid(values[0])
      : typeof values[0] === 'number' && Number.isFinite(values[0]) && isUuid(values[1]);
  if (!ok) throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
  return values as ParkKey;
}
