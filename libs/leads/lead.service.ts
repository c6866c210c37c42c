import { HttpStatus, Injectable } from '@nestjs/common';
import { sqlRows } from '../db/sql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { diffFields } from '../audit/audit.service';
import { parseIfMatch, preconditionFailed } from '../common/concurrency';
import { AppError, conflict, fieldError, forbidden, notFound } from '../common/errors';
import { JsonText, Page, decodeCursor, encodeCursor, renderedPage, toPage } from '../common/pagination';
import { RequestContext, actorUserId, isManager, roleOf } from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { normaliseInvestorName } from './investor-name';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import {
  FundsEntry,
  MILESTONE_FACT_FIELDS,
  MilestoneFacts,
  NO_FACTS,
  factErrors,
  factsOfRow,
  normaliseFunds,
} from './lead-milestones';
import { checkTransition, isPipelineStage, resumeStageAfter } from './lead-stage';
import type { LeadStage } from './lead-stage';
import {
  ActivityViewDto,
  ArchiveLeadDto,
  AssignLeadDto,
  AssigneeDto,
  ChangeStageDto,
  CreateActivityDto,
  CreateLeadDto,
  FundsEntryDto,
  LeadListQuery,
  MilestoneFactsDto,
  UpdateLeadDto,
} from './lead.dto';
import type { LeadColumnKey } from './lead-columns';
import { LeadFilters, LeadListKey, LeadRepository } from './lead.repository';
import { LeadCollision, LeadWriter } from './lead-writer';
import {
  LeadChanger,
  activityView,
  canChange,
  canManage,
  canSee,
  isArchived,
  leadView,
  ownerView,
} from './lead-policy';
import type { LeadRow, LeadView } from './lead-view';

export type CreatedLead = LeadView & { collisions: LeadCollision[] };

/** The record an audit entry compares (the owner's full view, without bookkeeping fields). */
function auditRecord(row: LeadRow): Record<string, unknown> {
  const { version: _v, createdAt: _c, updatedAt: _u, ...rest } = ownerView(row);
  return rest;
}

/** 422 naming every missing milestone fact (DESIGN §6). */
function assertFacts(
  stage: LeadStage,
  resumeStage: LeadStage | null | undefined,
  facts: Partial<MilestoneFacts>,
  funds: readonly FundsEntry[],
): void {
  const details = factErrors(stage, resumeStage, facts, funds);
  if (!details.length) return;
  throw new AppError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'MILESTONE_FACTS_MISSING',
    `Missing milestone facts: ${details.map((d) => d.field).join(', ')}`,
    details,
  );
}

/** Fields whose change is a milestone fact or funds entry: checked against the stage (DESIGN §6). */
const FACT_INPUTS: LeadColumnKey[] = [...MILESTONE_FACT_FIELDS, 'fundsInPlace'];

/** The facts a request brings (present keys only; null clears). */
function factsOfDto(dto: MilestoneFactsDto): Partial<MilestoneFacts> {
  const out: Partial<MilestoneFacts> = {};
  for (const f of MILESTONE_FACT_FIELDS)
    if (dto[f] !== undefined) (out as Record<string, unknown>)[f] = dto[f];
  return out;
}

/**
 * Leads: the rules of DESIGN §4–7 (visibility, who changes what, stages, collisions). Every
 * write records its audit entry, domain event and outbox jobs in its own transaction.
 */
@Injectable()
export class LeadService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: LeadRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly writer: LeadWriter,
  ) {}

  /** The lead as the caller sees it, rendered as JSON text (leadViewJsonSql), and its version. */
  async get(ctx: RequestContext, id: string): Promise<{ version: number; view: JsonText }> {
    const row = await this.repo.findVisibleView(this.ds, requireUuidPath(id, 'lead'), ctx.jurisdiction);
    if (!row) throw notFound('lead');
    return { version: row.version, view: row.view as JsonText };
  }

  /**
   * `q` matches title and investor name as a substring; when nothing matches that way, the first
   * page falls back to fuzzy matching (word similarity ≥ 0.6), and the cursor remembers which.
   * Substring first keeps common words fast and exact hits first; fuzzy still finds misspellings.
   */
  async list(ctx: RequestContext, q: LeadListQuery): Promise<JsonText> {
    const limit = q.limit ?? 50;
    const graph = await this.taxonomy.graph();
    if (q.industry && !graph.industryByCode.has(q.industry)) throw fieldError('industry', 'unknown industry');
    if (q.segment && !graph.hasSegment(q.segment)) throw fieldError('segment', 'unknown segment');
    const after = this.decodeListCursor(q.cursor, !!q.updatedSince);
    // A segment belongs to one industry: the industry filter is then either implied or contradictory.
    let industry = q.industry;
    if (q.segment && industry) {
      if (graph.industryOf(q.segment) !== industry) return renderedPage([], null);
      industry = undefined;
    }
    const text = q.q?.trim() || undefined;
    const filters: LeadFilters = {
      viewer: ctx.jurisdiction,
      partner: ctx.partner,
      jurisdiction: q.jurisdiction,
      stage: q.stage,
      industry,
      segment: q.segment,
      sharing: q.sharing,
      ownerId: q.ownerId,
      unassigned: q.unassigned === 'true',
      q: text,
      qMode: after?.fuzzy ? 'fuzzy' : 'substring',
      updatedSince: q.updatedSince,
    };
    let rows = await this.repo.list(this.ds, filters, after?.key ?? null, limit);
    if (text && !after && !rows.length && [...text].length >= 3) {
      filters.qMode = 'fuzzy';
      rows = await this.repo.list(this.ds, filters, null, limit);
    }
    const mode = filters.qMode === 'fuzzy' ? 'f' : 's';
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next =
      rows.length > limit
        ? encodeCursor(last._key ? ['u', last._key, last.id, mode] : ['i', null, last.id, mode])
        : null;
    return renderedPage(
      page.map((r) => r.view),
      next,
    );
  }

  private decodeListCursor(
    cursor: string | undefined,
    byUpdated: boolean,
  ): { key: LeadListKey; fuzzy: boolean } | null {
    const v = decodeCursor(cursor, 4);
    if (!v) return null;
    const [order, ts, id, mode] = v;
    const bad = () => fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    if (!isUuid(id) || (mode !== 's' && mode !== 'f')) throw bad();
    const fuzzy = mode === 'f';
    if (order === 'i' && !byUpdated) return { key: { mode: 'id', id }, fuzzy };
    if (order === 'u' && typeof ts === 'string' && !Number.isNaN(Date.parse(ts)))
      return { key: { mode: 'updated', ts, id }, fuzzy };
    throw bad();
  }

  async create(ctx: RequestContext, dto: CreateLeadDto): Promise<CreatedLead> {
    if (dto.jurisdiction !== undefined && dto.jurisdiction !== ctx.jurisdiction) {
      throw fieldError(
        'jurisdiction',
        `leads are created in the caller’s jurisdiction (${ctx.jurisdiction})`,
      );
    }
    const { segments, industries } = await this.checkSegments(dto.segments);
    const confidential = dto.confidential ?? false;
    const codeName = dto.codeName ?? null;
    if (confidential && !codeName) throw fieldError('codeName', 'required when confidential is true');
    let ownerId = actorUserId(ctx);
    if (dto.ownerId != null && dto.ownerId !== ownerId) {
      if (roleOf(ctx) === 'officer')
        throw forbidden('OWNER_ASSIGN_FORBIDDEN', 'Only managers assign a lead to another user');
      ownerId = await this.checkOwner(dto.ownerId.toLowerCase(), ctx);
    }
    const enterpriseId = dto.investor.enterpriseId ?? null;
    if (enterpriseId) await this.checkEnterprise(enterpriseId);
    const eventId = dto.eventId?.toLowerCase() ?? null;
    if (eventId) await this.checkEvent(ctx, eventId, dto.source ?? 'other');
    const stage = dto.stage ?? 'lead';
    const facts: MilestoneFacts = { ...NO_FACTS, ...factsOfDto(dto) };
    const funds = normaliseFunds(dto.fundsInPlace ?? []);
    assertFacts(stage, null, facts, funds);

    return this.ds.transaction(async (em) => {
      const { row, collisions } = await this.writer.create(
        em,
        ctx,
        {
          title: dto.title,
          investorName: dto.investor.name,
          investorNorm: normaliseInvestorName(dto.investor.name),
          investorUscc: dto.investor.uscc ?? null,
          investorEnterpriseId: enterpriseId,
          investorCountry: dto.investor.country ?? null,
          summary: dto.summary ?? '',
          segments,
          industries,
          plannedInvestmentWan: dto.plannedInvestmentWan ?? 0,
          landNeedMu: dto.landNeedMu ?? null,
          expectedJobs: dto.expectedJobs ?? null,
          stage,
          jurisdiction: ctx.jurisdiction,
          ownerId,
          sharing: dto.sharing ?? 'private',
          confidential,
          codeName,
          source: dto.source ?? 'other',
          nextActionAt: dto.nextActionAt ?? null,
          contacts: dto.contacts ?? [],
          externalRefs: dto.externalRefs ?? [],
          partnerSummary: dto.partnerSummary ?? null,
          ...facts,
          fundsInPlace: funds,
          eventId,
        },
        (created) => diffFields({}, auditRecord(created)),
      );
      return { ...leadView(row, ctx.jurisdiction)!, collisions };
    });
  }

  async update(
    ctx: RequestContext,
    id: string,
    ifMatch: string | undefined,
    dto: UpdateLeadDto,
  ): Promise<LeadView> {
    requireUuidPath(id, 'lead');
    const expected = parseIfMatch(ifMatch);
    const before = await this.repo.findVisible(this.ds, id, ctx.jurisdiction);
    if (!before) throw notFound('lead');
    this.assertCanChange(ctx, before);
    const changes = await this.changesOf(ctx, before, dto);
    if (before.version !== expected) throw preconditionFailed(before.version);
    if (!Object.keys(changes).length) return leadView(before, ctx.jurisdiction)!;

    return this.ds.transaction(async (em) => {
      const after = await this.writer.update(em, ctx, before, expected, changes, (a) =>
        diffFields(auditRecord(before), auditRecord(a)),
      );
      if (!after) throw preconditionFailed((await this.repo.currentVersion(em, id)) ?? expected);
      return leadView(after, ctx.jurisdiction)!;
    });
  }

  async changeStage(
    ctx: RequestContext,
    id: string,
    ifMatch: string | undefined,
    dto: ChangeStageDto,
  ): Promise<LeadView> {
    requireUuidPath(id, 'lead');
    const expected = ifMatch === undefined ? null : parseIfMatch(ifMatch);
    return this.ds.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, id);
      if (!before || !canSee(before, ctx.jurisdiction)) throw notFound('lead');
      this.assertCanChange(ctx, before);
      if (expected !== null && expected !== before.version) throw preconditionFailed(before.version);
      const from = before.stage as LeadStage;
      const to = dto.stage;
      const check = checkTransition(from, to, {
        resumeStage: before.resume_stage,
        isManager: isManager(ctx),
      });
      if (!check.ok) {
        throw conflict(
          'LEAD_STAGE_TRANSITION_NOT_ALLOWED',
          `A lead in stage ${from} cannot move to ${to}; allowed: ${check.allowed.join(', ') || 'none'}`,
          { from, to, allowed: check.allowed },
        );
      }
      // DESIGN §6: a move into a milestone brings its facts and those of every milestone it
      // passes, or finds them on the lead.
      const brought = factsOfDto(dto);
      const facts = { ...factsOfRow(before), ...brought };
      if (isPipelineStage(to)) assertFacts(to, null, facts, before.funds_in_place ?? []);
      const current = factsOfRow(before) as Record<string, unknown>;
      const changedFacts = Object.fromEntries(
        Object.entries(brought).filter(([k, v]) => current[k] !== v),
      ) as Partial<Record<LeadColumnKey, unknown>>;
      const after = await this.writer.changeStage(em, ctx, before, {
        to,
        resumeStage: resumeStageAfter(from, to),
        summary: dto.note?.trim() || `${from} → ${to}`,
        facts: changedFacts,
        factChanges: Object.fromEntries(Object.entries(changedFacts).map(([k, v]) => [k, [current[k], v]])),
      });
      return leadView(after, ctx.jurisdiction)!;
    });
  }

  async listActivities(
    ctx: RequestContext,
    id: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<ActivityViewDto>> {
    const lead = await this.repo.findVisible(this.ds, requireUuidPath(id, 'lead'), ctx.jurisdiction);
    if (!lead) throw notFound('lead');
    const after = decodeCursor(cursor, 2);
    if (after && (typeof after[0] !== 'string' || Number.isNaN(Date.parse(after[0])) || !isUuid(after[1])))
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const rows = await this.repo.listActivities(
      this.ds,
      lead.id,
      after ? { ts: after[0] as string, id: after[1] as string } : null,
      limit,
    );
    return toPage(
      rows,
      limit,
      (a) => [a._key, a.id],
      (a) => activityView(a, lead, ctx.jurisdiction),
    );
  }

  /**
   * Adds one entry of funds in place (到位资金, DESIGN §6) to a signed lead. No If-Match needed
   * (an entry is added, nothing overwritten; send one to refuse when the lead changed); to
   * correct or remove entries, PATCH `fundsInPlace` with If-Match.
   */
  async addFunds(
    ctx: RequestContext,
    id: string,
    ifMatch: string | undefined,
    dto: FundsEntryDto,
  ): Promise<LeadView> {
    requireUuidPath(id, 'lead');
    const expected = ifMatch === undefined ? null : parseIfMatch(ifMatch);
    return this.ds.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, id);
      if (!before || !canSee(before, ctx.jurisdiction)) throw notFound('lead');
      this.assertCanChange(ctx, before);
      if (expected !== null && expected !== before.version) throw preconditionFailed(before.version);
      const funds: FundsEntry[] = [...normaliseFunds(before.funds_in_place ?? []), ...normaliseFunds([dto])];
      assertFacts(
        before.stage as LeadStage,
        before.resume_stage as LeadStage | null,
        factsOfRow(before),
        funds,
      );
      const after = (await this.writer.update(
        em,
        ctx,
        before,
        before.version,
        { fundsInPlace: funds },
        () => ({
          fundsInPlace: [before.funds_in_place ?? [], funds],
        }),
      ))!;
      return leadView(after, ctx.jurisdiction)!;
    });
  }

  /** Anyone who sees the lead may add to its timeline: the partner city too, for a shared lead. */
  async addActivity(ctx: RequestContext, id: string, dto: CreateActivityDto): Promise<ActivityViewDto> {
    const lead = await this.repo.findVisible(this.ds, requireUuidPath(id, 'lead'), ctx.jurisdiction);
    if (!lead) throw notFound('lead');
    return this.ds.transaction(async (em) => {
      const a = await this.writer.addFollowUp(em, ctx, lead, {
        type: dto.type,
        occurredAt: dto.occurredAt ?? null,
        summary: dto.summary,
      });
      return activityView(a, lead, ctx.jurisdiction); // the author's own city: never redacted
    });
  }

  /** Who the caller of the lead policy is. */
  private changer(ctx: RequestContext): LeadChanger {
    return { jurisdiction: ctx.jurisdiction, role: roleOf(ctx), userId: actorUserId(ctx) };
  }

  /** Who a manager of the caller's jurisdiction may give leads to (its active users). */
  async assignees(ctx: RequestContext): Promise<{ items: AssigneeDto[] }> {
    return { items: await this.repo.assignees(this.ds, ctx.jurisdiction) };
  }

  /**
   * A manager gives the lead to an active user of its jurisdiction (DESIGN §5), also from the
   * 待分配 queue of leads pushed without an owner. Audited; the new owner is told (DESIGN §18)
   * unless they assigned it to themselves. No If-Match: the owner is the only field written.
   */
  async assign(ctx: RequestContext, id: string, dto: AssignLeadDto): Promise<LeadView> {
    requireUuidPath(id, 'lead');
    const ownerId = dto.ownerId.toLowerCase();
    return this.ds.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, id);
      if (!before || !canSee(before, ctx.jurisdiction)) throw notFound('lead');
      if (!canManage(before, this.changer(ctx)))
        throw forbidden('OWNER_REASSIGN_FORBIDDEN', 'Only managers of the jurisdiction reassign a lead');
      if (isArchived(before)) throw archivedConflict(before);
      if (before.owner_id === ownerId) return leadView(before, ctx.jurisdiction)!;
      await this.checkOwner(ownerId, ctx);
      const after = await this.writer.assign(em, ctx, before, ownerId);
      return leadView(after, ctx.jurisdiction)!;
    });
  }

  /**
   * Archive (soft delete) by a manager of the lead's jurisdiction, or restore (`archived` false):
   * lead-policy says what an archived lead leaves (lists, search, the board, matches; the partner
   * city's reads) and the changes feed shows it as a tombstone. Audited with the note.
   */
  async archive(
    ctx: RequestContext,
    id: string,
    archived: boolean,
    dto: ArchiveLeadDto = {},
  ): Promise<LeadView> {
    requireUuidPath(id, 'lead');
    return this.ds.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, id);
      if (!before || !canSee(before, ctx.jurisdiction)) throw notFound('lead');
      if (!canManage(before, this.changer(ctx)))
        throw forbidden('ARCHIVE_FORBIDDEN', 'Only managers of the jurisdiction archive a lead');
      if (isArchived(before) === archived) return leadView(before, ctx.jurisdiction)!;
      const after = await this.writer.setArchived(em, ctx, before, archived, dto.note?.trim() || undefined);
      return leadView(after, ctx.jurisdiction)!;
    });
  }

  /** 403 (409 when archived) unless the caller may change the lead (lead-policy canChange). */
  private assertCanChange(ctx: RequestContext, lead: LeadRow): void {
    const denial = canChange(lead, this.changer(ctx));
    if (denial === 'LEAD_READ_ONLY')
      throw forbidden(denial, 'A shared lead of the partner city is read-only (add activities instead)');
    if (denial === 'LEAD_ARCHIVED') throw archivedConflict(lead);
    if (denial === 'NOT_LEAD_OWNER')
      throw forbidden(denial, 'Officers change the leads they own; ask a manager');
  }

  /** The column changes a PATCH asks for, validated against the merged record; no-ops dropped. */
  private async changesOf(
    ctx: RequestContext,
    before: LeadRow,
    dto: UpdateLeadDto,
  ): Promise<Partial<Record<LeadColumnKey, unknown>>> {
    if (dto.jurisdiction !== undefined && dto.jurisdiction !== before.jurisdiction)
      throw fieldError('jurisdiction', 'a lead stays in its jurisdiction');
    const want: Partial<Record<LeadColumnKey, unknown>> = {};
    const put = (k: LeadColumnKey, v: unknown) => {
      if (v !== undefined) want[k] = v;
    };
    put('title', dto.title);
    if (dto.investor) {
      put('investorName', dto.investor.name);
      if (dto.investor.name !== undefined) put('investorNorm', normaliseInvestorName(dto.investor.name));
      put('investorUscc', dto.investor.uscc);
      put('investorEnterpriseId', dto.investor.enterpriseId?.toLowerCase() ?? dto.investor.enterpriseId);
      put('investorCountry', dto.investor.country);
    }
    put('summary', dto.summary);
    if (dto.segments !== undefined) {
      const { segments, industries } = await this.checkSegments(dto.segments);
      put('segments', segments);
      put('industries', industries);
    }
    put('plannedInvestmentWan', dto.plannedInvestmentWan);
    put('landNeedMu', dto.landNeedMu);
    put('expectedJobs', dto.expectedJobs);
    put('sharing', dto.sharing);
    put('confidential', dto.confidential);
    put('codeName', dto.codeName);
    put('source', dto.source);
    put('eventId', dto.eventId?.toLowerCase() ?? dto.eventId);
    put('nextActionAt', dto.nextActionAt);
    put(
      'contacts',
      dto.contacts?.map((c) => ({ ...c })),
    );
    put(
      'externalRefs',
      dto.externalRefs?.map((r) => ({ ...r })),
    );
    put('partnerSummary', dto.partnerSummary);
    for (const [k, v] of Object.entries(factsOfDto(dto))) put(k as LeadColumnKey, v);
    if (dto.fundsInPlace !== undefined) put('fundsInPlace', normaliseFunds(dto.fundsInPlace));

    const confidential = (want.confidential as boolean | undefined) ?? before.confidential;
    const codeName = want.codeName !== undefined ? want.codeName : before.code_name;
    if (confidential && !codeName) throw fieldError('codeName', 'required when confidential is true');

    if (dto.ownerId !== undefined) {
      const ownerId = dto.ownerId === null ? null : dto.ownerId.toLowerCase();
      if (ownerId !== before.owner_id) {
        if (!isManager(ctx))
          throw forbidden('OWNER_REASSIGN_FORBIDDEN', 'Only managers of the jurisdiction reassign a lead');
        want.ownerId = ownerId === null ? null : await this.checkOwner(ownerId, ctx);
      }
    }
    const enterpriseId = want.investorEnterpriseId as string | null | undefined;
    if (enterpriseId && enterpriseId !== before.investor_enterprise_id)
      await this.checkEnterprise(enterpriseId);
    const eventId = want.eventId !== undefined ? (want.eventId as string | null) : (before.event_id ?? null);
    if (eventId && (want.eventId !== undefined || want.source !== undefined))
      await this.checkEvent(ctx, eventId, (want.source as string | undefined) ?? before.source);

    // Drop fields that do not change anything (no version bump for a no-op PATCH).
    const current = this.columnsOf(before);
    for (const k of Object.keys(want) as LeadColumnKey[]) {
      if (JSON.stringify(normalise(current[k])) === JSON.stringify(normalise(want[k]))) delete want[k];
    }
    // investor_norm follows the name; alone it is not a change.
    if (want.investorNorm !== undefined && want.investorName === undefined) delete want.investorNorm;
    // A lead keeps the facts of the milestones it has reached (DESIGN §6): checked when they change.
    if (FACT_INPUTS.some((k) => k in want)) {
      const merged = { ...factsOfRow(before), ...want } as MilestoneFacts;
      const funds = (want.fundsInPlace as FundsEntry[] | undefined) ?? before.funds_in_place ?? [];
      assertFacts(before.stage as LeadStage, before.resume_stage as LeadStage | null, merged, funds);
    }
    return want;
  }

  private columnsOf(r: LeadRow): Record<LeadColumnKey, unknown> {
    return {
      title: r.title,
      investorName: r.investor_name,
      investorNorm: r.investor_norm,
      investorUscc: r.investor_uscc,
      investorEnterpriseId: r.investor_enterprise_id,
      investorCountry: r.investor_country,
      summary: r.summary,
      segments: r.segments,
      industries: r.industries,
      plannedInvestmentWan: r.planned_investment_wan === null ? null : Number(r.planned_investment_wan),
      landNeedMu: r.land_need_mu === null ? null : Number(r.land_need_mu),
      expectedJobs: r.expected_jobs,
      ownerId: r.owner_id,
      sharing: r.sharing,
      confidential: r.confidential,
      codeName: r.code_name,
      source: r.source,
      nextActionAt: r.next_action_at === null ? null : new Date(r.next_action_at).toISOString(),
      contacts: r.contacts,
      externalRefs: r.external_refs,
      partnerSummary: r.partner_summary,
      ...factsOfRow(r),
      fundsInPlace: normaliseFunds(r.funds_in_place ?? []),
      eventId: r.event_id ?? null,
    };
  }

  /** Segments must exist (400 naming `segments[i]`); industries follow from them. Cached taxonomy. */
  private async checkSegments(input: string[]): Promise<{ segments: string[]; industries: string[] }> {
    const graph = await this.taxonomy.graph();
    input.forEach((s, i) => {
      if (!graph.hasSegment(s)) throw fieldError(`segments[${i}]`, `unknown segment ${JSON.stringify(s)}`);
    });
    const segments = [...new Set(input)];
    return { segments, industries: graph.industriesOf(segments) };
  }

  private async checkOwner(ownerId: string, ctx: RequestContext): Promise<string> {
    if (!(await this.repo.isActiveUserOf(this.ds, ownerId, ctx.jurisdiction)))
      throw fieldError('ownerId', `must be an active user of ${ctx.jurisdiction}`);
    return ownerId;
  }

  /** A lead's event (DESIGN §16): an event the caller may see, on a lead whose source is `event`. */
  private async checkEvent(_ctx: RequestContext, id: string, source: string): Promise<void> {
    if (source !== 'event') throw fieldError('eventId', 'only a lead whose source is event names an event');
    // Both cities read every event (DESIGN §16), so an existing event is a visible one.
    const found = await sqlRows(this.ds, `SELECT 1 FROM promotion_events WHERE id = $1`, [id]);
    if (!found.length) throw fieldError('eventId', 'no such event');
  }

  private async checkEnterprise(id: string): Promise<void> {
    if (!(await this.repo.enterpriseExists(this.ds, id.toLowerCase())))
      throw fieldError('investor.enterpriseId', 'no such enterprise');
  }
}

/** 409: an archived lead is read-only until a manager restores it. */
function archivedConflict(lead: LeadRow): AppError {
  return conflict('LEAD_ARCHIVED', 'The lead is archived; a manager restores it first', {
    archivedAt: new Date(lead.archived_at!).toISOString(),
  });
}

function normalise(v: unknown): unknown {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v).toISOString();
  return v ?? null;
}
