import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AgreementKind } from '../agreements/agreement';
import { AgreementRegistry } from '../agreements/agreement-registry';
import { AgreementService } from '../agreements/agreement.service';
import type { AgreementViewDto } from '../agreements/agreement.dto';
import { AuditService, FieldChanges, diffFields } from '../audit/audit.service';
import { preconditionFailed } from '../common/concurrency';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError, FieldError, conflict, fieldError, forbidden, notFound } from '../common/errors';
import { BODY_VALIDATION, flattenValidationErrors } from '../common/validation';
import { newRecordId } from '../common/uuid';
import { WriteOptions, transactionOrDryRun } from '../db/sql';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, encodeCursor } from '../common/pagination';
import { JURISDICTIONS, Jurisdiction, RequestContext, partnerOf } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { unique, unknownSegments, validationFailed } from '../enterprises/base-data';
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
    const [r] = await this.ds.transaction((em) =>
      this.writeMany(em, ctx, [{ op: 'create', values: valuesOfCreate(ctx, dto) }]),
    );
    if (r.status === 'error') throw r.error;
    return r.park;
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateParkDto): Promise<Park> {
    requireUuidPath(id, 'park');
    const [r] = await this.ds.transaction((em) =>
      this.writeMany(em, ctx, [{ op: 'update', id, patch: patchOfUpdate(dto), expectedVersion }]),
    );
    if (r.status === 'error') throw r.error;
    return r.park;
  }

  /**
   * A batch of park rows of a spreadsheet import (DESIGN §17), keyed by the park's name: a name no
   * park has creates one, the name of one park changes it (the fields the row gives; an empty
   * cell keeps the stored value). Every item is checked with the API's body rules (CreateParkDto,
   * as the validation pipe does) and written by the same path as POST and PATCH /parks, in one
   * transaction, or dry-run (rolled back) for the preview.
   */
  async importMany(
    ctx: RequestContext,
    items: unknown[],
    opts: WriteOptions = {},
  ): Promise<ParkImportResult[]> {
    const results: ParkImportResult[] = new Array(items.length);
    const valid: { index: number; dto: CreateParkDto }[] = [];
    const seen = new Set<string>();
    items.forEach((raw, index) => {
      const fail = (errors: FieldError[]) =>
        (results[index] = { index, externalRef: null, status: 'error', errors });
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        return fail([{ field: '', message: 'item must be an object' }]);
      const dto = plainToInstance(CreateParkDto, raw);
      const errors = flattenValidationErrors(validateSync(dto, BODY_VALIDATION));
      if (errors.length) return fail(errors);
      if (seen.has(dto.name))
        return fail([{ field: 'name', message: 'appears more than once in this request' }]);
      seen.add(dto.name);
      valid.push({ index, dto });
    });
    if (!valid.length) return results;
    const written = await transactionOrDryRun(
      this.ds,
      async (em) => {
        const byName = new Map<string, string[]>();
        for (const p of await this.repo.idsByName(
          em,
          valid.map((v) => v.dto.name),
        ))
          byName.set(p.name, [...(byName.get(p.name) ?? []), p.id]);
        const writes: ParkWrite[] = [];
        const of: number[] = [];
        for (const { index, dto } of valid) {
          const ids = byName.get(dto.name) ?? [];
          if (ids.length > 1) {
            results[index] = {
              index,
              externalRef: null,
              status: 'error',
              errors: [
                {
                  field: 'name',
                  message: `${ids.length} parks have this name; change them in the app (PATCH /parks/{id})`,
                },
              ],
            };
            continue;
          }
          writes.push(
            ids.length
              ? { op: 'update', id: ids[0], patch: patchOfUpdate(dto) }
              : { op: 'create', values: valuesOfCreate(ctx, dto) },
          );
          of.push(index);
        }
        return { of, out: await this.writeMany(em, ctx, writes) };
      },
      opts,
    );
    written.out.forEach((r, i) => {
      const index = written.of[i];
      results[index] =
        r.status === 'error'
          ? { index, externalRef: null, status: 'error', errors: fieldErrorsOf(r.error) }
          : { index, externalRef: null, id: r.park.id, status: r.status };
    });
    return results;
  }

  /**
   * The one park write path (POST and PATCH /parks, imports): checks every write against the park
   * rules (DESIGN §4–5, §9: known segments; changed only by its own jurisdictions, the co-built park
   * by either; ownership and co-building only by agreement; If-Match when given), then inserts,
   * updates, audits and queues the re-matching of all of them set-based in the caller's
   * transaction. A write that breaks a rule is returned as an error and writes nothing.
   */
  private async writeMany(
    em: EntityManager,
    ctx: RequestContext,
    writes: ParkWrite[],
  ): Promise<ParkWriteResult[]> {
    const graph = await this.taxonomy.graph();
    const current = new Map(
      (
        await this.repo.findManyForUpdate(
          em,
          writes.flatMap((w) => (w.op === 'update' ? [w.id] : [])),
        )
      ).map((p) => [p.id, p]),
    );
    const ruleErrors = (v: ParkValues): FieldError[] => [
      ...unknownSegments(graph, v.targetSegments, 'targetSegments'),
      ...parkOwnershipErrors(ctx.jurisdiction, v.jurisdictions, v.coBuilt),
    ];
    const invalid = (v: ParkValues) => {
      const errors = ruleErrors(v);
      return errors.length ? validationFailed(errors) : null;
    };
    const results: ParkWriteResult[] = [];
    const inserts: (ParkValues & { id: string })[] = [];
    const updates: (ParkValues & { id: string })[] = [];
    const audits: { action: 'create' | 'update'; entityId: string; changes: FieldChanges }[] = [];
    const slot = new Map<string, number>();
    const taken = new Set<string>();
    for (const w of writes) {
      const error = (e: AppError) => results.push({ status: 'error', error: e });
      if (w.op === 'create') {
        const e = invalid(w.values);
        if (e) {
          error(e);
          continue;
        }
        if (w.values.coBuilt || w.values.jurisdictions.length > 1) {
          error(agreementRequired(null));
          continue;
        }
        const id = newRecordId();
        inserts.push({ ...w.values, id });
        audits.push({
          action: 'create',
          entityId: id,
          changes: diffFields({}, pick(w.values), [...PARK_FIELDS]),
        });
        slot.set(id, results.length);
        results.push({ status: 'created', park: null as unknown as Park });
        continue;
      }
      const park = current.get(w.id);
      if (!park) {
        error(notFound('park'));
        continue;
      }
      if (!park.jurisdictions.includes(ctx.jurisdiction)) {
        error(
          forbidden(
            'NOT_YOUR_JURISDICTION',
            `This park belongs to ${park.jurisdictions.join(', ')}; only its own jurisdiction may change it`,
          ),
        );
        continue;
      }
      const next = { ...pick(park), ...w.patch } as ParkValues;
      if (changesParkOwnership(park, next)) {
        error(agreementRequired(park.id));
        continue;
      }
      const e = invalid(next);
      if (e) {
        error(e);
        continue;
      }
      if (w.expectedVersion !== undefined && park.version !== w.expectedVersion) {
        error(preconditionFailed(park.version));
        continue;
      }
      if (taken.has(park.id)) {
        error(conflict('DUPLICATE_WRITE', 'this park is changed twice in one batch'));
        continue;
      }
      taken.add(park.id);
      const changes = diffFields(pick(park), pick(next), Object.keys(w.patch));
      if (!Object.keys(changes).length) {
        results.push({ status: 'unchanged', park });
        continue;
      }
      updates.push({ ...pick(next), id: park.id } as ParkValues & { id: string });
      audits.push({ action: 'update', entityId: park.id, changes });
      slot.set(park.id, results.length);
      results.push({ status: 'updated', park });
    }
    const changed = [
      ...(await this.repo.insertMany(em, inserts)),
      ...(await this.repo.updateMany(em, updates)),
    ];
    for (const p of changed) {
      const i = slot.get(p.id)!;
      results[i] = { status: results[i].status as 'created' | 'updated', park: p };
    }
    // The caller is always one of the park's jurisdictions here; the audit reader also shows a
    // co-built park's entries to the other jurisdiction.
    await this.audit.recordMany(em, ctx, 'park', audits);
    await this.outbox.enqueueMany(
      em,
      'rematch-affected',
      changed.map((p) => ({
        payload: { entity: 'park' as const, id: p.id, version: p.version },
        dedupeKey: JOB_KEYS.rematchAffected('park', p.id, p.version),
      })),
    );
    return results;
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

/** One row's outcome of a park import (the shape of a sync item's result, DESIGN §11). */
export interface ParkImportResult {
  index: number;
  externalRef: null;
  id?: string;
  status: 'created' | 'updated' | 'unchanged' | 'error';
  errors?: FieldError[];
}

/** One write of the park write path: a new park, or a change of an existing one. */
export type ParkWrite =
  | { op: 'create'; values: ParkValues }
  | { op: 'update'; id: string; patch: Partial<ParkValues>; expectedVersion?: number };

export type ParkWriteResult =
  { status: 'created' | 'updated' | 'unchanged'; park: Park } | { status: 'error'; error: AppError };

/** A new park's values from a create body: the caller's jurisdiction unless it names others. */
function valuesOfCreate(ctx: RequestContext, dto: CreateParkDto): ParkValues {
  const jurisdictions = sortJurisdictions(
    dto.jurisdictions ?? (dto.coBuilt ? [...JURISDICTIONS] : [ctx.jurisdiction]),
  );
  return {
    name: dto.name,
    nameEn: dto.nameEn ?? null,
    jurisdictions,
    coBuilt: dto.coBuilt ?? jurisdictions.length === 2,
    targetSegments: unique(dto.targetSegments ?? []),
    availableLandMu: dto.availableLandMu ?? null,
    factorySpaceSqm: dto.factorySpaceSqm ?? null,
    incentives: dto.incentives ?? null,
  };
}

/** The fields a change body sets (absent fields stay as they are). */
function patchOfUpdate(dto: UpdateParkDto): Partial<ParkValues> {
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
  return patch;
}

/** An import row's errors from a refused write: the field errors, or the refusal on its field. */
function fieldErrorsOf(e: AppError): FieldError[] {
  if (Array.isArray(e.details) && e.details.length) return e.details as FieldError[];
  const field = { AGREEMENT_REQUIRED: 'jurisdictions', NOT_YOUR_JURISDICTION: 'name' }[e.code] ?? '';
  return [{ field, message: e.message }];
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
