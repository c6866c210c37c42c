import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, FieldChanges, diffFields } from '../audit/audit.service';
import { preconditionFailed } from '../common/concurrency';
import { conflict, fieldError, forbidden, notFound } from '../common/errors';
import { RequestContext, isManager } from '../common/request-context';
import { requireUuidPath } from '../common/uuid';
import { sqlOne, sqlRows } from '../db/sql';
import { EventsService } from '../events/events.service';
import { ActionItemService } from './action-item.service';
import {
  ActionItemDto,
  CreateMeetingDto,
  DecisionToItemDto,
  MeetingDto,
  UpdateMeetingDto,
} from './cooperation.dto';
import { MeetingRow, toMeeting } from './cooperation-views';
import type { MeetingDecision } from './meeting';

const managersOnly = () => forbidden('ROLE_REQUIRED', 'A manager of either city records joint meetings');

/**
 * Joint meetings (联席会议, DESIGN §15): both cities read them; a manager of either city records
 * one, its agenda, attendees and decisions; a decision becomes an action item with units and a
 * deadline. Every change is audited and gives partner systems a `meeting` feed entry.
 */
@Injectable()
export class MeetingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly items: ActionItemService,
  ) {}

  async list(): Promise<{ items: MeetingDto[] }> {
    const rows = await sqlRows<MeetingRow>(
      this.ds,
      `SELECT * FROM joint_meetings ORDER BY held_at DESC, id LIMIT 1000`,
    );
    return { items: rows.map(toMeeting) };
  }

  async get(_ctx: RequestContext, id: string): Promise<MeetingDto> {
    return toMeeting(await this.find(this.ds.manager, id));
  }

  async create(ctx: RequestContext, dto: CreateMeetingDto): Promise<MeetingDto> {
    if (!isManager(ctx)) throw managersOnly();
    const decisions: MeetingDecision[] = (dto.decisions ?? []).map((text) => ({
      text: text.trim(),
      actionItemId: null,
    }));
    return this.ds.transaction(async (em) => {
      const [row] = await sqlRows<MeetingRow>(
        em,
        `INSERT INTO joint_meetings (kind, title, held_at, place, host, attendees, agenda, decisions, created_by_jurisdiction)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) RETURNING *`,
        [
          dto.kind,
          dto.title ?? null,
          dto.heldAt,
          dto.place,
          dto.host,
          dto.attendees ?? [],
          dto.agenda ?? [],
          JSON.stringify(decisions),
          ctx.jurisdiction,
        ],
      );
      await this.afterChange(
        em,
        ctx,
        'create',
        row,
        diffFields({}, toMeeting(row) as unknown as Record<string, unknown>, [
          'kind',
          'title',
          'heldAt',
          'place',
          'host',
          'attendees',
          'agenda',
          'decisions',
        ]),
      );
      return toMeeting(row);
    });
  }

  async update(
    ctx: RequestContext,
    id: string,
    expectedVersion: number,
    dto: UpdateMeetingDto,
  ): Promise<MeetingDto> {
    if (!isManager(ctx)) throw managersOnly();
    return this.ds.transaction(async (em) => {
      const row = await this.find(em, id, true);
      if (row.version !== expectedVersion) throw preconditionFailed(row.version);
      const before = toMeeting(row);
      let decisions = row.decisions;
      if (dto.decisions) {
        // A decision that already became an item keeps its place and text.
        const taken = row.decisions.filter((d) => d.actionItemId);
        const kept = dto.decisions.map((text, i) => ({
          text: text.trim(),
          actionItemId: row.decisions[i]?.text === text.trim() ? row.decisions[i].actionItemId : null,
        }));
        const lost = taken.filter((t) => !kept.some((k) => k.actionItemId === t.actionItemId));
        if (lost.length)
          throw conflict(
            'DECISION_HAS_ACTION_ITEM',
            `decisions: "${lost[0].text}" became action item ${lost[0].actionItemId}; keep its text and place`,
          );
        decisions = kept;
      }
      const next = {
        title: dto.title !== undefined ? dto.title : row.title,
        heldAt: dto.heldAt ?? before.heldAt,
        place: dto.place ?? row.place,
        host: dto.host ?? row.host,
        attendees: dto.attendees ?? row.attendees,
        agenda: dto.agenda ?? row.agenda,
        decisions,
      };
      const changes = diffFields(before as unknown as Record<string, unknown>, next, Object.keys(next));
      if (changes.heldAt && new Date(next.heldAt).getTime() === new Date(before.heldAt).getTime())
        delete changes.heldAt;
      if (!Object.keys(changes).length) return before;
      const [updated] = await sqlRows<MeetingRow>(
        em,
        `UPDATE joint_meetings SET title = $2, held_at = $3, place = $4, host = $5, attendees = $6, agenda = $7,
                decisions = $8::jsonb, version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [
          row.id,
          next.title,
          next.heldAt,
          next.place,
          next.host,
          next.attendees,
          next.agenda,
          JSON.stringify(next.decisions),
        ],
      );
      await this.afterChange(em, ctx, 'update', updated, changes);
      return toMeeting(updated);
    });
  }

  /** Decision `index` (from 0) becomes an item of a plan, with its units and deadline. */
  async decisionToItem(
    ctx: RequestContext,
    id: string,
    index: number,
    dto: DecisionToItemDto,
  ): Promise<ActionItemDto> {
    if (!isManager(ctx)) throw managersOnly();
    if (!Number.isInteger(index) || index < 0) throw fieldError('index', 'a decision number from 0');
    return this.ds.transaction(async (em) => {
      const meeting = await this.find(em, id, true);
      const decision = meeting.decisions[index];
      if (!decision) throw notFound('decision');
      if (decision.actionItemId)
        throw conflict(
          'DECISION_HAS_ACTION_ITEM',
          `This decision already became action item ${decision.actionItemId}`,
          {
            actionItemId: decision.actionItemId,
          },
        );
      const item = await this.items.insert(em, ctx, {
        planId: dto.planId,
        code: dto.code,
        title: dto.title ?? decision.text.slice(0, 200),
        scope: decision.text,
        field: dto.field,
        keyTaskYear: dto.keyTaskYear ?? null,
        units: dto.units,
        dueAt: dto.dueAt,
        leadIds: [],
        eventIds: [],
        parkIds: [],
        meetingId: meeting.id,
      });
      const decisions = meeting.decisions.map((d, i) => (i === index ? { ...d, actionItemId: item.id } : d));
      const [updated] = await sqlRows<MeetingRow>(
        em,
        `UPDATE joint_meetings SET decisions = $2::jsonb, version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
        [meeting.id, JSON.stringify(decisions)],
      );
      await this.afterChange(em, ctx, 'update', updated, {
        [`decisions[${index}].actionItemId`]: [null, item.id],
      });
      return item;
    });
  }

  async find(em: EntityManager, id: string, lock = false): Promise<MeetingRow> {
    const row = await sqlOne<MeetingRow>(
      em,
      `SELECT * FROM joint_meetings WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [requireUuidPath(id, 'meeting')],
    );
    if (!row) throw notFound('meeting');
    return row;
  }

  private async afterChange(
    em: EntityManager,
    ctx: RequestContext,
    action: string,
    meeting: MeetingRow,
    changes: FieldChanges,
  ): Promise<void> {
    await this.audit.record(em, ctx, action, 'meeting', meeting.id, changes);
    await this.events.record(em, {
      type: 'meeting.changed',
      entity: 'meeting',
      entityId: meeting.id,
      entityVersion: meeting.version,
      jurisdiction: ctx.jurisdiction,
      detail: { action },
    });
  }
}
