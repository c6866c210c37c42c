import { cityDay } from '../common/city-time';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AgreementKind } from '../agreements/agreement';
import { AgreementRegistry } from '../agreements/agreement-registry';
import { AgreementService } from '../agreements/agreement.service';
import type { AgreementViewDto } from '../agreements/agreement.dto';
import { AuditService, FieldChanges, diffFields } from '../audit/audit.service';
import { preconditionFailed } from '../common/concurrency';
import { conflict, fieldError, forbidden, notFound } from '../common/errors';
import { RequestContext, isManager, partnerOf } from '../common/request-context';
import { requireUuidPath } from '../common/uuid';
import { sqlOne, sqlParams, sqlRows } from '../db/sql';
import { EventsService } from '../events/events.service';
import {
  AGREED_FIELDS,
  ActionItemChange,
  ActionUnit,
  ReportStatus,
  afterReport,
  unitErrors,
  unitJurisdictions,
} from './action-item';
import {
  ActionItemDto,
  ActionItemListQuery,
  ActionPlanDto,
  CreateActionItemDto,
  CreateActionPlanDto,
  CreateReportDto,
  ProposeActionItemChangeDto,
  UpdateActionItemDto,
} from './cooperation.dto';
import {
  ActionItemReportRow,
  ActionItemRow,
  ActionPlanRow,
  toActionItem,
  toActionPlan,
  toReport,
} from './cooperation-views';

/** The agreement kind that changes an item's title, scope, units or deadline (DESIGN §14–15). */
export const ACTION_ITEM_CHANGE = 'action_item.change';

const managersOnly = () =>
  forbidden('ROLE_REQUIRED', 'A manager of either city keeps the action plan; officers report progress');

/** Item values as they are written to `action_items`. */
export interface NewActionItem {
  planId: string;
  code: string;
  title: string;
  scope: string;
  field: string;
  keyTaskYear: number | null;
  units: ActionUnit[];
  dueAt: string;
  leadIds: string[];
  eventIds: string[];
  parkIds: string[];
  meetingId: string | null;
}

const agreedOf = (r: ActionItemRow): Required<ActionItemChange> => ({
  title: r.title,
  scope: r.scope,
  units: r.units,
  dueAt: r.due_at,
});

/**
 * The action plan and its items (DESIGN §15): both cities read everything; managers keep the
 * plan; each city reports on its own part; what binds both (title, scope, units, deadline) changes
 * only by agreement. Every change writes its audit entry and an `action_item.changed` event in
 * its transaction; the change log gives partner systems the `action_item` feed entry.
 */
@Injectable()
export class ActionItemService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly agreements: AgreementService,
    private readonly registry: AgreementRegistry,
  ) {}

  onModuleInit(): void {
    const kind: AgreementKind<ActionItemChange> = {
      kind: ACTION_ITEM_CHANGE,
      subjectEntity: 'action_item',
      proposers: ['manager', 'admin'],
      deciders: ['manager', 'admin'],
      prepare: async (em, ctx, itemId, change) => {
        const item = await this.lock(em, itemId);
        const next = { ...agreedOf(item), ...change };
        const changes = diffFields(agreedOf(item), next, Object.keys(change));
        if (!Object.keys(changes).length)
          throw fieldError(Object.keys(change)[0] ?? 'change', 'the item already reads so; nothing to agree');
        const effective = Object.fromEntries(
          Object.keys(changes).map((f) => [f, next[f as keyof ActionItemChange]]),
        ) as ActionItemChange;
        return { change: effective, decidingJurisdiction: partnerOf(ctx.jurisdiction) };
      },
      apply: async (em, ctx, agreement) => {
        const item = await this.lock(em, agreement.subjectId);
        const c = agreement.change;
        const next = { ...agreedOf(item), ...c };
        const changes = diffFields(agreedOf(item), next, Object.keys(c));
        if (!Object.keys(changes).length) return;
        const [updated] = await sqlRows<ActionItemRow>(
          em,
          `UPDATE action_items SET title = $2, scope = $3, units = $4::jsonb, due_at = $5,
                  version = version + 1, updated_at = now()
            WHERE id = $1 RETURNING *`,
          [item.id, next.title, next.scope, JSON.stringify(next.units), next.dueAt],
        );
        await this.afterChange(em, ctx, 'update', updated, { ...changes, agreementId: [null, agreement.id] });
      },
    };
    this.registry.register(kind);
  }

  // ---- plans ----

  async listPlans(): Promise<{ items: ActionPlanDto[] }> {
    const rows = await sqlRows<ActionPlanRow>(
      this.ds,
      `SELECT p.*, (SELECT count(*) FROM action_items i WHERE i.plan_id = p.id) AS item_count
         FROM action_plans p ORDER BY p.period_from DESC, p.id LIMIT 1000`,
    );
    return { items: rows.map(toActionPlan) };
  }

  async createPlan(ctx: RequestContext, dto: CreateActionPlanDto): Promise<ActionPlanDto> {
    if (!isManager(ctx)) throw managersOnly();
    if (dto.periodFrom > dto.periodTo) throw fieldError('periodTo', 'the period ends on or after periodFrom');
    return this.ds.transaction(async (em) => {
      const [row] = await sqlRows<ActionPlanRow>(
        em,
        `INSERT INTO action_plans (title, period_from, period_to, created_by_jurisdiction)
         VALUES ($1, $2, $3, $4) RETURNING *`,
        [dto.title, dto.periodFrom, dto.periodTo, ctx.jurisdiction],
      );
      await this.audit.record(em, ctx, 'create', 'action_plan', row.id, diffFields({}, { ...dto }));
      return toActionPlan(row);
    });
  }

  // ---- items ----

  async list(_ctx: RequestContext, q: ActionItemListQuery): Promise<{ items: ActionItemDto[] }> {
    const { params, p } = sqlParams();
    const where = ['true'];
    if (q.planId) where.push(`plan_id = ${p(q.planId)}`);
    if (q.field) where.push(`field = ${p(q.field)}`);
    if (q.status) where.push(`status = ${p(q.status)}`);
    if (q.keyTaskYear) where.push(`key_task_year = ${p(q.keyTaskYear)}`);
    if (q.jurisdiction)
      where.push(`units @> ${p(JSON.stringify([{ jurisdiction: q.jurisdiction }]))}::jsonb`);
    const today = cityDay();
    if (q.overdue !== undefined)
      where.push(
        `${q.overdue ? '' : 'NOT '}(due_at < ${p(today)}::date AND status NOT IN ('done', 'cancelled'))`,
      );
    const rows = await sqlRows<ActionItemRow>(
      this.ds,
      `SELECT * FROM action_items WHERE ${where.join(' AND ')}
        ORDER BY string_to_array(regexp_replace(code, '[^0-9.]', '', 'g'), '.')::int[] NULLS LAST, code, id
        LIMIT 1000`,
      params,
    );
    return { items: rows.map((r) => toActionItem(r, today)) };
  }

  async get(_ctx: RequestContext, id: string): Promise<ActionItemDto> {
    const row = await sqlOne<ActionItemRow>(this.ds, `SELECT * FROM action_items WHERE id = $1`, [
      requireUuidPath(id, 'action item'),
    ]);
    if (!row) throw notFound('action_item');
    const reports = await sqlRows<ActionItemReportRow>(
      this.ds,
      `SELECT * FROM action_item_reports WHERE item_id = $1 ORDER BY reported_at, id`,
      [row.id],
    );
    return { ...toActionItem(row), reports: reports.map(toReport) };
  }

  async create(ctx: RequestContext, dto: CreateActionItemDto): Promise<ActionItemDto> {
    if (!isManager(ctx)) throw managersOnly();
    return this.ds.transaction((em) =>
      this.insert(em, ctx, {
        planId: dto.planId,
        code: dto.code,
        title: dto.title,
        scope: dto.scope ?? '',
        field: dto.field,
        keyTaskYear: dto.keyTaskYear ?? null,
        units: dto.units,
        dueAt: dto.dueAt,
        leadIds: dto.leadIds ?? [],
        eventIds: dto.eventIds ?? [],
        parkIds: dto.parkIds ?? [],
        meetingId: null,
      }),
    );
  }

  /** Writes a new item in the caller's transaction (also a meeting decision becoming an item). */
  async insert(em: EntityManager, ctx: RequestContext, v: NewActionItem): Promise<ActionItemDto> {
    const errors = unitErrors(v.units);
    if (errors.length) throw fieldError(errors[0].field, errors[0].message);
    const plan = await sqlOne<ActionPlanRow>(em, `SELECT * FROM action_plans WHERE id = $1`, [v.planId]);
    if (!plan) throw fieldError('planId', 'no such action plan');
    await this.checkLinks(em, v);
    const [row] = await sqlRows<ActionItemRow>(
      em,
      `INSERT INTO action_items (plan_id, code, title, scope, field, key_task_year, units, due_at,
                                 lead_ids, event_ids, park_ids, meeting_id, created_by_jurisdiction)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (plan_id, code) DO NOTHING RETURNING *`,
      [
        v.planId,
        v.code,
        v.title,
        v.scope,
        v.field,
        v.keyTaskYear,
        JSON.stringify(v.units.map(cleanUnit)),
        v.dueAt,
        v.leadIds,
        v.eventIds,
        v.parkIds,
        v.meetingId,
        ctx.jurisdiction,
      ],
    );
    if (!row) throw conflict('ACTION_ITEM_CODE_TAKEN', `code: the plan already has an item ${v.code}`);
    await this.afterChange(
      em,
      ctx,
      'create',
      row,
      diffFields({}, toActionItem(row) as unknown as Record<string, unknown>, [
        'code',
        'title',
        'scope',
        'field',
        'keyTaskYear',
        'units',
        'dueAt',
        'leadIds',
        'eventIds',
        'parkIds',
        'meetingId',
      ]),
    );
    return toActionItem(row);
  }

  /**
   * Links and the key-task year change directly (If-Match); title, scope, units and dueAt bind
   * both cities: a body that would change them answers 409 AGREEMENT_REQUIRED.
   */
  async update(
    ctx: RequestContext,
    id: string,
    expectedVersion: number,
    dto: UpdateActionItemDto,
  ): Promise<ActionItemDto> {
    requireUuidPath(id, 'action item');
    if (!isManager(ctx)) throw managersOnly();
    return this.ds.transaction(async (em) => {
      const item = await this.lock(em, id);
      const agreed = agreedOf(item);
      const asked = AGREED_FIELDS.filter((f) => dto[f] !== undefined);
      const wouldChange = asked.filter(
        (f) =>
          JSON.stringify(f === 'units' ? dto.units!.map(cleanUnit) : dto[f]) !== JSON.stringify(agreed[f]),
      );
      if (wouldChange.length)
        throw conflict(
          'AGREEMENT_REQUIRED',
          `${wouldChange.join(', ')}: an item's title, scope, units and deadline change only by agreement of both cities; ` +
            `propose it with POST /api/v1/action-items/${item.id}/change-proposals`,
          { fields: wouldChange },
        );
      if (item.version !== expectedVersion) throw preconditionFailed(item.version);
      const before = {
        leadIds: item.lead_ids,
        eventIds: item.event_ids,
        parkIds: item.park_ids,
        keyTaskYear: item.key_task_year,
      };
      const after = {
        leadIds: dto.leadIds ?? item.lead_ids,
        eventIds: dto.eventIds ?? item.event_ids,
        parkIds: dto.parkIds ?? item.park_ids,
        keyTaskYear: dto.keyTaskYear !== undefined ? dto.keyTaskYear : item.key_task_year,
      };
      const changes = diffFields(before, after);
      if (!Object.keys(changes).length) return toActionItem(item);
      await this.checkLinks(em, after);
      const [updated] = await sqlRows<ActionItemRow>(
        em,
        `UPDATE action_items SET lead_ids = $2, event_ids = $3, park_ids = $4, key_task_year = $5,
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [item.id, after.leadIds, after.eventIds, after.parkIds, after.keyTaskYear],
      );
      await this.afterChange(em, ctx, 'update', updated, changes);
      return toActionItem(updated);
    });
  }

  /** Proposes a change of title, scope, units or deadline; it applies when the other city accepts. */
  async proposeChange(
    ctx: RequestContext,
    id: string,
    dto: ProposeActionItemChangeDto,
  ): Promise<AgreementViewDto> {
    requireUuidPath(id, 'action item');
    const change: ActionItemChange = {};
    if (dto.title !== undefined) change.title = dto.title;
    if (dto.scope !== undefined) change.scope = dto.scope;
    if (dto.units !== undefined) {
      const errors = unitErrors(dto.units);
      if (errors.length) throw fieldError(errors[0].field, errors[0].message);
      change.units = dto.units.map(cleanUnit);
    }
    if (dto.dueAt !== undefined) change.dueAt = dto.dueAt;
    if (!Object.keys(change).length)
      throw fieldError('change', `name at least one of ${AGREED_FIELDS.join(', ')}`);
    return this.ds.transaction((em) =>
      this.agreements.propose<ActionItemChange>(em, ctx, ACTION_ITEM_CHANGE, id, change, dto.note),
    );
  }

  /**
   * A city reports on its own part: its progress replaces its previous figure, the item's
   * progress and status follow (afterReport), and the report joins the dated timeline.
   */
  async report(ctx: RequestContext, id: string, dto: CreateReportDto): Promise<ActionItemDto> {
    requireUuidPath(id, 'action item');
    if (ctx.actor.type !== 'user') throw forbidden('USER_REQUIRED', 'Progress is reported by a person');
    const actor = ctx.actor;
    return this.ds.transaction(async (em) => {
      const item = await this.lock(em, id);
      if (!unitJurisdictions(item.units).includes(ctx.jurisdiction))
        throw forbidden(
          'NOT_YOUR_UNIT',
          `No unit of ${ctx.jurisdiction} carries item ${item.code}; each city reports on its own part`,
        );
      if (item.status === 'cancelled') throw conflict('ACTION_ITEM_CANCELLED', 'This item was cancelled');
      const statusBy = await this.latestStatusBy(em, item.id);
      const next = afterReport(
        { units: item.units, progressBy: item.progress_by, status: item.status },
        { jurisdiction: ctx.jurisdiction, progress: dto.progress, status: dto.status },
        statusBy,
      );
      await sqlRows(
        em,
        `INSERT INTO action_item_reports (item_id, jurisdiction, user_id, author_name, progress, status, text)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          item.id,
          ctx.jurisdiction,
          actor.id,
          actor.displayName || actor.username,
          dto.progress,
          dto.status ?? null,
          dto.text,
        ],
      );
      const [updated] = await sqlRows<ActionItemRow>(
        em,
        `UPDATE action_items SET progress = $2, progress_by = $3::jsonb, status = $4,
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [item.id, next.progress, JSON.stringify(next.progressBy), next.status],
      );
      await this.afterChange(em, ctx, 'report', updated, {
        ...diffFields(
          {
            progress: item.progress,
            status: item.status,
            [`progress.${ctx.jurisdiction}`]: item.progress_by[ctx.jurisdiction] ?? 0,
          },
          { progress: next.progress, status: next.status, [`progress.${ctx.jurisdiction}`]: dto.progress },
        ),
        report: [null, dto.text],
      });
      return this.getIn(em, updated.id);
    });
  }

  private async getIn(em: EntityManager, id: string): Promise<ActionItemDto> {
    const row = (await sqlOne<ActionItemRow>(em, `SELECT * FROM action_items WHERE id = $1`, [id]))!;
    const reports = await sqlRows<ActionItemReportRow>(
      em,
      `SELECT * FROM action_item_reports WHERE item_id = $1 ORDER BY reported_at, id`,
      [id],
    );
    return { ...toActionItem(row), reports: reports.map(toReport) };
  }

  private async latestStatusBy(
    em: EntityManager,
    itemId: string,
  ): Promise<Partial<Record<string, ReportStatus>>> {
    const rows = await sqlRows<{ jurisdiction: string; status: ReportStatus }>(
      em,
      `SELECT DISTINCT ON (jurisdiction) jurisdiction, status FROM action_item_reports
        WHERE item_id = $1 AND status IS NOT NULL ORDER BY jurisdiction, reported_at DESC, id DESC`,
      [itemId],
    );
    return Object.fromEntries(rows.map((r) => [r.jurisdiction, r.status]));
  }

  private async lock(em: EntityManager, id: string): Promise<ActionItemRow> {
    const row = await sqlOne<ActionItemRow>(em, `SELECT * FROM action_items WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw notFound('action_item');
    return row;
  }

  /** Linked leads and parks exist (events are another domain's: kept by id). */
  private async checkLinks(em: EntityManager, v: { leadIds: string[]; parkIds: string[] }): Promise<void> {
    for (const [field, table] of [
      ['leadIds', 'leads'],
      ['parkIds', 'parks'],
    ] as const) {
      const ids = v[field];
      if (!ids.length) continue;
      const found = await sqlRows<{ id: string }>(em, `SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [
        ids,
      ]);
      const missing = ids.filter((i) => !found.some((f) => f.id === i.toLowerCase()));
      if (missing.length) throw fieldError(field, `no such ${table.slice(0, -1)}: ${missing.join(', ')}`);
    }
  }

  private async afterChange(
    em: EntityManager,
    ctx: RequestContext,
    action: string,
    item: ActionItemRow,
    changes: FieldChanges,
  ): Promise<void> {
    await this.audit.record(em, ctx, action, 'action_item', item.id, changes);
    await this.events.record(em, {
      type: 'action_item.changed',
      entity: 'action_item',
      entityId: item.id,
      entityVersion: item.version,
      jurisdiction: ctx.jurisdiction,
      detail: { action, fields: Object.keys(changes) },
    });
  }
}

function cleanUnit(u: ActionUnit): ActionUnit {
  return u.contactUserId
    ? { jurisdiction: u.jurisdiction, unit: u.unit.trim(), contactUserId: u.contactUserId }
    : { jurisdiction: u.jurisdiction, unit: u.unit.trim() };
}
