import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AUDIT_INSERT, AuditService, FieldChanges, actorColumns, changesJson } from '../audit/audit.service';
import type { FieldError } from '../common/errors';
import { RequestContext, actorUserId } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { newRecordId } from '../common/uuid';
import { WriteOptions, isRetryable, sqlParams, sqlRows, transactionOrDryRun } from '../db/sql';
import { JOB_KEYS } from '../jobs/jobs';
import { DomainEvent, EVENT_INSERT, EventsService, dispatchRowsSql } from '../events/events.service';
import { OUTBOX_INSERT, OUTBOX_WAKE_SQL, OutboxService } from '../outbox/outbox.service';
import {
  AUDITED_COLUMNS,
  BULK_COLUMNS,
  LEAD_COLUMN_MAP,
  LeadColumn,
  LeadColumnKey,
  LeadField,
  isJsonColumn,
  leadRecordSql,
} from './lead-columns';
import {
  planLeadUpserts,
  type ExistingLead,
  type LeadUpsertRow,
  type LeadWriteResult,
} from './lead-upsert-plan';
import type { ActivityRow, LeadContact, LeadRow } from './lead-view';

/** A collision between a written lead and a lead of another city (DESIGN §7). */
export interface LeadCollision {
  id: string;
  otherJurisdiction: Jurisdiction;
  basis: 'uscc' | 'name';
  similarity: number;
  firstReportedBy: Jurisdiction;
}

/**
 * What the collision rules do after lead writes (DESIGN §7), provided by libs/collisions
 * (CollisionDetector): the writer asks them without depending on that module.
 */
export abstract class LeadCollisions {
  /** One written lead (created, or its investor changed): its collisions with the other city. */
  abstract detect(
    em: EntityManager,
    lead: Pick<LeadRow, 'id' | 'jurisdiction' | 'stage' | 'investor_norm'>,
  ): Promise<LeadCollision[]>;
  /** Many leads of one city: their collisions with the other city, per lead id. */
  abstract detectMany(
    em: EntityManager,
    jurisdiction: Jurisdiction,
    leads: Pick<LeadRow, 'id' | 'investor_norm'>[],
    scope: 'partners',
  ): Promise<Map<string, LeadCollision[]>>;
  /** Leads that left or re-entered the pipeline (`lost`): first reports and reopened collisions. */
  abstract afterStageChanges(
    em: EntityManager,
    jurisdiction: Jurisdiction,
    changes: { lead: Pick<LeadRow, 'id' | 'investor_norm'>; from: string; to: string }[],
  ): Promise<void>;
}

/** A new lead, by API field name (LEAD_COLUMN_MAP). */
export interface LeadInsert {
  title: string;
  investorName: string;
  investorNorm: string;
  investorUscc: string | null;
  investorEnterpriseId: string | null;
  investorCountry: string | null;
  summary: string;
  segments: string[];
  industries: string[];
  plannedInvestmentWan: number;
  landNeedMu: number | null;
  expectedJobs: number | null;
  stage: string;
  jurisdiction: Jurisdiction;
  ownerId: string | null;
  sharing: string;
  confidential: boolean;
  codeName: string | null;
  source: string;
  nextActionAt: string | null;
  contacts: unknown[];
  externalRefs: unknown[];
  partnerSummary: string | null;
  signedAt: string | null;
  contractAmountWan: number | null;
  projectUscc: string | null;
  startedAt: string | null;
  operatingAt: string | null;
  fundsInPlace: unknown[];
  /** The promotion event the lead was raised at (DESIGN §16). */
  eventId?: string | null;
}

export interface ActivityInsert {
  leadId: string;
  type: string;
  occurredAt: string | null;
  summary: string;
  authorId: string | null;
  authorKeyId: string | null;
  jurisdiction: Jurisdiction;
  fromStage?: string | null;
  toStage?: string | null;
}

/** A stage move of one lead, for the side effects every move has. */
export interface StageMove {
  lead: Pick<LeadRow, 'id' | 'jurisdiction' | 'investor_norm'>;
  from: string;
  to: string;
  /** The lead's version after the move. */
  version: number;
  /** The timeline entry's text. */
  summary: string;
}

export type { LeadUpsertRow, LeadWriteResult } from './lead-upsert-plan';

/** Set for a transaction that has claimed the external refs of every lead it inserts. */
export const LEAD_REFS_CLAIMED = 'liancheng.lead_refs_claimed';

const setSql = (changes: Partial<Record<LeadField, unknown>>, p: (v: unknown) => string): string[] =>
  Object.entries(changes).map(([key, value]) => {
    const col = LEAD_COLUMN_MAP[key as LeadField].column;
    return isJsonColumn(col) ? `${col} = ${p(JSON.stringify(value))}::jsonb` : `${col} = ${p(value)}`;
  });

/** Columns a bulk create inserts: the bulk columns, and the caller's jurisdiction. */
const CREATE_COLUMNS = BULK_COLUMNS;
/**
 * Columns a bulk update sets: all bulk columns but the id and external refs (kept as they are).
 * The owner is the one the row names, or the current one when it names none (lead-upsert-plan).
 */
const UPDATE_COLUMNS = BULK_COLUMNS.filter((c) => c !== 'id' && c !== 'external_refs');

/**
 * Every write of created leads in one statement, from one JSON parameter ($1: one object per lead,
 * keys = columns): the leads, their `create` audit entries (each audited field {before: null,
 * after}), `lead.created` domain events (telling an owner the row names, DESIGN §18), their outbox
 * rows and the outbox wake-up. Each lead's
 * match job and match state are written by the leads' insert trigger.
 */
const CREATE_SQL = `
  WITH e AS MATERIALIZED (SELECT value AS j FROM jsonb_array_elements($1::jsonb)),
  ins AS (
    INSERT INTO leads (${CREATE_COLUMNS.join(', ')}, jurisdiction)
    SELECT ${CREATE_COLUMNS.map((c) => (c === 'funds_in_place' ? `COALESCE(v.${c}, '[]')` : `v.${c}`)).join(', ')}, $2
      FROM e CROSS JOIN LATERAL jsonb_to_record(e.j) AS ${leadRecordSql('v', CREATE_COLUMNS)}
    RETURNING id),
  aud AS (
    ${AUDIT_INSERT}
    SELECT $3, $4, $5, $2, 'create', 'lead', (e.j->>'id')::uuid, jsonb_build_object(${AUDITED_COLUMNS.map(
      ([col, field]) => `'${field}', jsonb_build_object('before', NULL::jsonb, 'after', e.j->'${col}')`,
    ).join(', ')}), $6
      FROM e),
  ev AS (
    ${EVENT_INSERT}
    SELECT 'lead.created', 'lead', (e.j->>'id')::uuid, 1, $2,
           jsonb_strip_nulls(jsonb_build_object('assignedTo', e.j->'owner_id')) FROM e
    RETURNING id, type, detail),
  ob AS (
    ${OUTBOX_INSERT}
    ${dispatchRowsSql('ev')})
  ${OUTBOX_WAKE_SQL}`;

const UPDATE_SQL = `
  UPDATE leads l SET ${UPDATE_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')},
         version = l.version + 1, updated_at = now()
    FROM jsonb_to_recordset($1::jsonb) AS ${leadRecordSql('v', BULK_COLUMNS)}
   WHERE l.id = v.id AND l.id = ANY($3::uuid[]) AND l.jurisdiction = $2`;

/**
 * The one writer of leads and their timelines (DESIGN §4–7): inserts, updates and stage moves,
 * each with its audit entry, domain event and outbox rows in the caller's transaction, and the
 * collision checks a write calls for. Single-lead methods for the API; upsertMany for bulk
 * writers (partner sync, spreadsheet import), a fixed number of statements per batch.
 */
const contactKey = (c: LeadContact) =>
  [c.name, c.phone, c.email].map((v) => (v ?? '').trim().toLowerCase()).join('|');
const refKey = (r: { system: string; id: string }) => `${r.system}\u0000${r.id}`;

/** `a`, then the items of `b` whose key `a` does not have yet, in order. */
function union<T>(a: T[], b: T[], key: (item: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((item) => !seen.has(key(item)) && seen.add(key(item)))];
}

@Injectable()
export class LeadWriter {
  private collisionRules: LeadCollisions | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly outbox: OutboxService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The collision rules, provided by the collisions module wherever leads are written. */
  private get collisions(): LeadCollisions {
    const rules =
      this.collisionRules ?? this.moduleRef.get<LeadCollisions>(LeadCollisions, { strict: false });
    this.collisionRules = rules;
    return rules;
  }

  /** Inserts one lead with its `create` audit entry and `lead.created` event; returns it and its collisions. */
  async create(
    em: EntityManager,
    ctx: RequestContext,
    v: LeadInsert,
    audit: (row: LeadRow) => FieldChanges,
  ): Promise<{ row: LeadRow; collisions: LeadCollision[] }> {
    const { params, p } = sqlParams();
    const fields = Object.keys(v) as (keyof LeadInsert)[];
    const columns = fields.map((f) => LEAD_COLUMN_MAP[f].column);
    const values = fields.map((f, i) =>
      isJsonColumn(columns[i]) ? `${p(JSON.stringify(v[f]))}::jsonb` : p(v[f]),
    );
    const [row] = await sqlRows<LeadRow>(
      em,
      `INSERT INTO leads (${columns.join(', ')}) VALUES (${values.join(', ')}) RETURNING *`,
      params,
    );
    await this.audit.record(em, ctx, 'create', 'lead', row.id, audit(row));
    // Assigned to someone else at creation: they are told (DESIGN §18).
    const assigned = row.owner_id && row.owner_id !== actorUserId(ctx) ? row.owner_id : null;
    await this.recordWrite(em, row, 'lead.created', assigned);
    const collisions = await this.collisions.detect(em, row);
    return { row, collisions };
  }

  /**
   * Optimistic update (DESIGN §11, concurrency): the version check is in the UPDATE itself, so of
   * two writers holding the same version exactly one matches a row. Records `audit` (computed
   * from the row before and after) and a `lead.updated` event; checks collisions again when the
   * investor changed. Undefined when the version no longer matches (nothing written).
   */
  async update(
    em: EntityManager,
    ctx: RequestContext,
    before: LeadRow,
    expectedVersion: number,
    changes: Partial<Record<LeadColumnKey, unknown>>,
    audit: (after: LeadRow) => FieldChanges,
  ): Promise<LeadRow | undefined> {
    const after = await this.updateRow(em, before.id, expectedVersion, changes);
    if (!after) return undefined;
    await this.audit.record(em, ctx, 'update', 'lead', after.id, audit(after));
    const assigned = 'ownerId' in changes && after.owner_id ? after.owner_id : null;
    await this.recordWrite(em, after, 'lead.updated', assigned);
    if ('investorName' in changes || 'investorUscc' in changes) await this.collisions.detect(em, after);
    return after;
  }

  /**
   * Moves a lead's stage (the caller checked the transition on a locked row) with the milestone
   * facts the move brings (DESIGN §6), in one version, and the side effects of every move: a
   * timeline entry, the `stage_change` audit entry, a `lead.stage_changed` event, and the
   * collision rules for a lead leaving or re-entering the pipeline.
   */
  async changeStage(
    em: EntityManager,
    ctx: RequestContext,
    before: LeadRow,
    move: {
      to: string;
      resumeStage: string | null;
      /** The timeline entry's text. */
      summary: string;
      /** Milestone facts the move sets, and their audit entries ([before, after] by field). */
      facts?: Partial<Record<LeadColumnKey, unknown>>;
      factChanges?: FieldChanges;
    },
  ): Promise<LeadRow> {
    const { to, resumeStage, summary } = move;
    const { params, p } = sqlParams([before.id]);
    const sets = [`stage = ${p(to)}`, `resume_stage = ${p(resumeStage)}`, ...setSql(move.facts ?? {}, p)];
    const [after] = await sqlRows<LeadRow>(
      em,
      `UPDATE leads SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
      params,
    );
    await this.audit.record(em, ctx, 'stage_change', 'lead', before.id, {
      stage: [before.stage, to],
      ...(before.resume_stage !== after.resume_stage
        ? { resumeStage: [before.resume_stage, after.resume_stage] }
        : {}),
      ...move.factChanges,
    });
    await this.recordStageMoves(em, ctx, [
      { lead: after, from: before.stage, to, version: after.version, summary },
    ]);
    return after;
  }

  /**
   * The side effects of stage moves already written, set-based: timeline entries, events and the
   * collision rules. changeStage and upsertMany both end here.
   */
  private async recordStageMoves(
    em: EntityManager,
    ctx: RequestContext,
    moves: StageMove[],
    withEvents = true,
  ): Promise<void> {
    if (!moves.length) return;
    // DESIGN §6: every transition is an activity in the lead's timeline.
    await sqlRows(
      em,
      `INSERT INTO activities (lead_id, type, occurred_at, summary, author_id, author_key_id, jurisdiction, from_stage, to_stage)
       SELECT s.id, 'stage_change', now(), s.summary, $1, $2, $3, s.f, s.t
         FROM jsonb_to_recordset($4::jsonb) AS s(id uuid, f text, t text, summary text)`,
      [
        actorUserId(ctx),
        ctx.actor.type === 'api_key' ? ctx.actor.id : null,
        ctx.jurisdiction,
        JSON.stringify(moves.map((m) => ({ id: m.lead.id, f: m.from, t: m.to, summary: m.summary }))),
      ],
    );
    if (withEvents)
      await this.events.recordMany(
        em,
        moves.map((m) => ({
          type: 'lead.stage_changed',
          entity: 'lead',
          entityId: m.lead.id,
          entityVersion: m.version,
          jurisdiction: m.lead.jurisdiction,
          detail: { fromStage: m.from, toStage: m.to },
        })),
      );
    await this.collisions.afterStageChanges(
      em,
      ctx.jurisdiction,
      moves.map((m) => ({ lead: m.lead, from: m.from, to: m.to })),
    );
  }

  /**
   * Gives the lead to another owner, or none (a manager; the caller checked the rights on the
   * locked row), in one version: the `assign` audit entry and a `lead.updated` event that tells
   * the new owner (DESIGN §18) unless they assigned it to themselves.
   */
  async assign(
    em: EntityManager,
    ctx: RequestContext,
    before: LeadRow,
    ownerId: string | null,
  ): Promise<LeadRow> {
    const after = (await this.updateRow(em, before.id, before.version, { ownerId }))!;
    await this.audit.record(em, ctx, 'assign', 'lead', before.id, { ownerId: [before.owner_id, ownerId] });
    await this.recordWrite(em, after, 'lead.updated', ownerId !== actorUserId(ctx) ? ownerId : null);
    return after;
  }

  /**
   * Archives (soft delete) or restores a lead (a manager; the caller checked the rights on the
   * locked row), in one version: the `archive` / `unarchive` audit entry (with the manager's note)
   * and a `lead.updated` event. The change log records the version; the feed shows the tombstone.
   */
  async setArchived(
    em: EntityManager,
    ctx: RequestContext,
    before: LeadRow,
    archived: boolean,
    note?: string,
  ): Promise<LeadRow> {
    const after = (await this.updateRow(em, before.id, before.version, {
      archivedAt: archived ? new Date().toISOString() : null,
    }))!;
    const at = (r: LeadRow) => (r.archived_at ? new Date(r.archived_at).toISOString() : null);
    await this.audit.record(em, ctx, archived ? 'archive' : 'unarchive', 'lead', before.id, {
      archivedAt: [at(before), at(after)],
      ...(note ? { note: [null, note] } : {}),
    });
    await this.recordWrite(em, after, 'lead.updated');
    return after;
  }

  /** Shares a lead and links it to another one (collision resolved `joint`), with audit and event. */
  async shareAndLink(
    em: EntityManager,
    ctx: RequestContext,
    lead: LeadRow,
    otherId: string,
  ): Promise<LeadRow> {
    const [after] = await sqlRows<LeadRow>(
      em,
      `UPDATE leads SET sharing = 'shared',
              linked_lead_ids = CASE WHEN $2 = ANY(linked_lead_ids) THEN linked_lead_ids
                                     ELSE array_append(linked_lead_ids, $2::uuid) END,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING *`,
      [lead.id, otherId],
    );
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
    await this.recordWrite(em, after, 'lead.updated');
    return after;
  }

  /**
   * Merges the newer of two same-city duplicates into the older (DESIGN §7): the newer lead's
   * timeline moves over, then the contacts and external refs the older one lacks; the newer lead
   * gives up its refs and becomes `lost`, with a timeline entry on each lead, audit entries on both
   * (`matchesWithdrawn`: what the caller withdrew) and their events.
   */
  async merge(
    em: EntityManager,
    ctx: RequestContext,
    m: { gone: LeadRow; keep: LeadRow; note?: string; matchesWithdrawn: number },
  ): Promise<void> {
    const { gone, keep, note } = m;
    const moved = (
      await sqlRows(em, `UPDATE activities SET lead_id = $2 WHERE lead_id = $1 RETURNING id`, [
        gone.id,
        keep.id,
      ])
    ).length;
    const [goneAfter] = await sqlRows<LeadRow>(
      em,
      `UPDATE leads SET stage = 'lost', resume_stage = NULL, external_refs = '[]'::jsonb,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING *`,
      [gone.id],
    );
    const contacts = union(keep.contacts ?? [], gone.contacts ?? [], contactKey);
    const refs = union(keep.external_refs ?? [], gone.external_refs ?? [], refKey);
    const keepChanged =
      contacts.length !== (keep.contacts ?? []).length || refs.length !== (keep.external_refs ?? []).length;
    const keepAfter = keepChanged
      ? await this.updateRow(em, keep.id, keep.version, { contacts, externalRefs: refs })
      : undefined;

    const summary = (text: string) => (note ? `${text}: ${note}` : text);
    const author = {
      occurredAt: null,
      authorId: actorUserId(ctx),
      authorKeyId: null,
      jurisdiction: ctx.jurisdiction,
    };
    await this.addActivity(em, {
      ...author,
      leadId: gone.id,
      type: 'stage_change',
      summary: summary(`合并到「${keep.title}」/ merged into ${keep.id}`),
      fromStage: gone.stage,
      toStage: 'lost',
    });
    await this.addActivity(em, {
      ...author,
      leadId: keep.id,
      type: 'note',
      summary: summary(`合并了重复线索「${gone.title}」/ merged duplicate ${gone.id} (${moved} activities)`),
    });

    await this.audit.record(em, ctx, 'merge', 'lead', gone.id, {
      stage: [gone.stage, 'lost'],
      externalRefs: [gone.external_refs, []],
      mergedInto: [null, keep.id],
      activitiesMoved: [null, moved],
      matchesWithdrawn: [null, m.matchesWithdrawn],
    });
    await this.audit.record(em, ctx, 'merge', 'lead', keep.id, {
      mergedFrom: [null, gone.id],
      ...(keepAfter ? { contacts: [keep.contacts, contacts], externalRefs: [keep.external_refs, refs] } : {}),
    });
    await this.events.record(em, {
      type: 'lead.stage_changed',
      entity: 'lead',
      entityId: gone.id,
      entityVersion: goneAfter.version,
      jurisdiction: gone.jurisdiction,
      detail: { fromStage: gone.stage, toStage: 'lost' },
    });
    if (keepAfter)
      await this.events.record(em, {
        type: 'lead.updated',
        entity: 'lead',
        entityId: keep.id,
        entityVersion: keepAfter.version,
        jurisdiction: keep.jurisdiction,
      });
  }

  /** Optimistic update of a few columns without audit or event (the caller records them). */
  private async updateRow(
    em: EntityManager,
    id: string,
    expectedVersion: number,
    changes: Partial<Record<LeadField, unknown>>,
  ): Promise<LeadRow | undefined> {
    const { params, p } = sqlParams([id, expectedVersion]);
    const sets = [...setSql(changes, p), 'version = version + 1', 'updated_at = now()'];
    const [row] = await sqlRows<LeadRow>(
      em,
      `UPDATE leads SET ${sets.join(', ')} WHERE id = $1 AND version = $2 RETURNING *`,
      params,
    );
    return row;
  }

  /**
   * A follow-up in a lead's timeline by the caller (the partner city too, for a shared lead), with
   * its audit entry and the internal `activity.created` event (never a webhook: the lead's owner
   * hears of the partner city's follow-up, DESIGN §18).
   */
  async addFollowUp(
    em: EntityManager,
    ctx: RequestContext,
    lead: Pick<LeadRow, 'id' | 'version' | 'jurisdiction'>,
    entry: { type: string; occurredAt: string | null; summary: string },
  ): Promise<ActivityRow> {
    const a = await this.addActivity(em, {
      leadId: lead.id,
      ...entry,
      authorId: actorUserId(ctx),
      authorKeyId: ctx.actor.type === 'api_key' ? ctx.actor.id : null,
      jurisdiction: ctx.jurisdiction,
    });
    await this.audit.record(em, ctx, 'create', 'activity', a.id, {
      leadId: [null, lead.id],
      type: [null, a.type],
      occurredAt: [null, new Date(a.occurred_at).toISOString()],
      summary: [null, a.summary],
    });
    await this.events.record(em, {
      type: 'activity.created',
      entity: 'lead',
      entityId: lead.id,
      entityVersion: lead.version,
      jurisdiction: lead.jurisdiction,
      detail: { activityId: a.id, authorJurisdiction: ctx.jurisdiction },
    });
    return a;
  }

  /** One timeline entry (stage moves make theirs in changeStage). */
  async addActivity(em: EntityManager, a: ActivityInsert): Promise<ActivityRow> {
    const [row] = await sqlRows<ActivityRow>(
      em,
      `INSERT INTO activities (lead_id, type, occurred_at, summary, author_id, author_key_id, jurisdiction,
         from_stage, to_stage)
       VALUES ($1, $2, COALESCE($3::timestamptz, now()), $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        a.leadId,
        a.type,
        a.occurredAt,
        a.summary,
        a.authorId,
        a.authorKeyId,
        a.jurisdiction,
        a.fromStage ?? null,
        a.toStage ?? null,
      ],
    );
    return row;
  }

  /** The domain event of a create or update (the database queues the match job, DESIGN §10). */
  private async recordWrite(
    em: EntityManager,
    row: LeadRow,
    type: 'lead.created' | 'lead.updated',
    assignedTo: string | null = null,
  ): Promise<void> {
    await this.events.record(em, {
      type,
      entity: 'lead',
      entityId: row.id,
      entityVersion: row.version,
      jurisdiction: row.jurisdiction,
      ...(assignedTo ? { detail: { assignedTo } } : {}),
    });
  }

  /**
   * Bulk upsert of validated leads of the caller's jurisdiction by external reference: the entry
   * point of every bulk writer (PUT /sync/leads, the spreadsheet import). Each row names its
   * external ref (`{system, id}`: for an import, e.g. `{system: 'import:<file>', id: <row no.>}` or
   * the sheet's own reference column, so importing the same sheet twice updates instead of
   * duplicating) and its values as columns (LeadValues, validated by the caller: checkLeadItem
   * in libs/sync/item-validation.ts does it for JSON items).
   *
   * A ref not yet known creates a lead (in an initial stage, with the facts of its milestones);
   * a known one of the caller's city updates it (a stage change must be an allowed transition);
   * an unchanged one writes nothing. Another city's ref, an unknown enterprise, a stage not
   * allowed or missing milestone facts give that row an `error` result naming the field; the
   * other rows are still written. One transaction (retried on deadlock), a fixed number of
   * statements whatever the batch size (keep batches ≤ 1,000 rows): audit entries, domain
   * events, outbox rows, timeline entries of stage moves and collision detection included.
   * Results come back in `rows` order, with each row's `index` and, for created / updated
   * leads, their id and collisions with the other city. `via` names the channel in the timeline
   * entries of stage moves (`contacted → visited (partner sync)`), e.g. 'spreadsheet import'.
   */
  async upsertMany(
    ctx: RequestContext,
    rows: LeadUpsertRow[],
    via = 'partner sync',
    opts: WriteOptions = {},
  ): Promise<LeadWriteResult[]> {
    const results: LeadWriteResult[] = [];
    const pending = await this.withActiveOwners(ctx, await this.withKnownEnterprises(rows, results), results);
    if (pending.length) {
      for (let attempt = 1; ; attempt++) {
        try {
          results.push(
            ...(await transactionOrDryRun(this.ds, (em) => this.writeMany(em, ctx, pending, via), opts)),
          );
          break;
        } catch (e) {
          if (attempt >= 4 || !isRetryable(e)) throw e;
        }
      }
    }
    const order = new Map(rows.map((r, i) => [r.index, i]));
    return results.sort((a, b) => order.get(a.index)! - order.get(b.index)!);
  }

  /** investor.enterpriseId must name an existing enterprise (one query for the batch). */
  private async withKnownEnterprises(
    rows: LeadUpsertRow[],
    results: LeadWriteResult[],
  ): Promise<LeadUpsertRow[]> {
    const ids = [...new Set(rows.map((r) => r.values.investor_enterprise_id).filter(Boolean))];
    if (!ids.length) return rows;
    const found = new Set(
      (
        await sqlRows<{ id: string }>(
          this.ds,
          `SELECT id FROM enterprises WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
          [ids],
        )
      ).map((r) => r.id),
    );
    return rows.filter((r) => {
      if (!r.values.investor_enterprise_id || found.has(r.values.investor_enterprise_id)) return true;
      results.push({
        index: r.index,
        externalRef: r.ref,
        status: 'error',
        errors: [{ field: 'investor.enterpriseId', message: 'no such enterprise' } as FieldError],
      });
      return false;
    });
  }

  /** owner_id must name an active user of the caller's jurisdiction (one query for the batch). */
  private async withActiveOwners(
    ctx: RequestContext,
    rows: LeadUpsertRow[],
    results: LeadWriteResult[],
  ): Promise<LeadUpsertRow[]> {
    const ids = [...new Set(rows.map((r) => r.values.owner_id).filter((o): o is string => !!o))];
    if (!ids.length) return rows;
    const found = new Set(
      (
        await sqlRows<{ id: string }>(
          this.ds,
          `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND jurisdiction = $2 AND active`,
          [ids, ctx.jurisdiction],
        )
      ).map((r) => r.id),
    );
    return rows.filter((r) => {
      if (!r.values.owner_id || found.has(r.values.owner_id)) return true;
      results.push({
        index: r.index,
        externalRef: r.ref,
        status: 'error',
        errors: [{ field: 'ownerId', message: `must be an active user of ${ctx.jurisdiction}` }],
      });
      return false;
    });
  }

  private async writeMany(
    em: EntityManager,
    ctx: RequestContext,
    rows: LeadUpsertRow[],
    via: string,
  ): Promise<LeadWriteResult[]> {
    // Batch statements over 1,000 rows can pass jit_above_cost on stale statistics (a table that
    // grew fast): compiling them costs more CPU than running them. And the trigger that indexes
    // inserted leads' external refs stays quiet: step 1 claims the ref of every lead this
    // transaction creates, and it creates no other.
    await sqlRows(
      em,
      `SELECT set_config('jit', 'off', true), set_config('${LEAD_REFS_CLAIMED}', 'on', true)`,
    );
    const withIds = rows.map((r) => ({ ...r, newId: newRecordId() }));
    // 1. Claim the refs not yet known, in ref order. A concurrent batch claiming the same ref
    //    waits here until we commit, then sees ours: two creates of one ref cannot both happen.
    const sorted = [...withIds].sort((a, b) => (refKey(a.ref) < refKey(b.ref) ? -1 : 1));
    const claimed = await sqlRows<{ entity_id: string }>(
      em,
      `INSERT INTO external_ref_index (entity, system, external_id, jurisdiction, entity_id)
       SELECT 'lead', s, x, $4, id FROM unnest($1::text[], $2::text[], $3::uuid[]) WITH ORDINALITY AS t(s, x, id, n)
        ORDER BY n
       ON CONFLICT DO NOTHING RETURNING entity_id`,
      [
        sorted.map((p) => p.ref.system),
        sorted.map((p) => p.ref.id),
        sorted.map((p) => p.newId),
        ctx.jurisdiction,
      ],
    );
    const claimedIds = new Set(claimed.map((r) => r.entity_id));
    const others = withIds.filter((p) => !claimedIds.has(p.newId));

    // 2. Lock the existing leads the other rows name, in id order (the refs sorted by lead id,
    //    then one locking probe each in that order). LATERAL … OFFSET 0 probes by key per row
    //    even when the statistics of a fast-growing table are stale.
    const existing = others.length
      ? await sqlRows<ExistingLead>(
          em,
          `WITH refs AS MATERIALIZED (
             SELECT x.entity_id, x.system, x.external_id
               FROM unnest($1::text[], $2::text[]) AS r(system, external_id)
              CROSS JOIN LATERAL (
                SELECT entity_id, system, external_id FROM external_ref_index x
                 WHERE x.entity = 'lead' AND x.system = r.system AND x.external_id = r.external_id OFFSET 0) x
              ORDER BY x.entity_id)
           SELECT l.*, refs.system AS ref_system, refs.external_id AS ref_id
             FROM refs
            CROSS JOIN LATERAL (
              SELECT * FROM leads l WHERE l.id = refs.entity_id OFFSET 0 FOR NO KEY UPDATE) l`,
          [others.map((p) => p.ref.system), others.map((p) => p.ref.id)],
        )
      : [];

    // 3. What to write: a pure plan (lead-upsert-plan.ts).
    const plan = planLeadUpserts(ctx.jurisdiction, withIds, claimedIds, existing, via);

    if (plan.rejectedClaims.length) {
      await sqlRows(
        em,
        `DELETE FROM external_ref_index WHERE entity = 'lead' AND entity_id = ANY($1::uuid[])`,
        [plan.rejectedClaims],
      );
    }
    const [actorType, actorId, actorName] = actorColumns(ctx);
    if (plan.creates.length) {
      await sqlRows(em, CREATE_SQL, [
        JSON.stringify(plan.creates),
        ctx.jurisdiction,
        actorType,
        actorId,
        actorName,
        ctx.requestId,
      ]);
    }
    if (plan.updates.length) {
      await sqlRows(em, UPDATE_SQL, [
        JSON.stringify(plan.updates),
        ctx.jurisdiction,
        plan.updates.map((u) => u.id),
      ]);
      await sqlRows(
        em,
        `${AUDIT_INSERT}
         SELECT $1, $2, $3, $4, 'update', 'lead', a.id, a.changes, $5
           FROM jsonb_to_recordset($6::jsonb) AS a(id uuid, changes jsonb)`,
        [
          actorType,
          actorId,
          actorName,
          ctx.jurisdiction,
          ctx.requestId,
          JSON.stringify(plan.audits.map((a) => ({ id: a.id, changes: changesJson(a.changes) }))),
        ],
      );
      // Match jobs of leads whose matching inputs changed are queued by the leads' update trigger.
      await this.events.recordMany(em, plan.events as DomainEvent[]);
    }
    // Last, so the global collision lock is held for as short a time as possible before commit:
    // the created leads and those whose investor changed, one statement for the batch.
    if (plan.collisionSubjects.length) {
      const found = await this.collisions.detectMany(
        em,
        ctx.jurisdiction,
        plan.collisionSubjects,
        'partners',
      );
      if (found.size)
        for (const r of plan.results) if (r.id && r.collisions) r.collisions = found.get(r.id) ?? [];
      // Duplicates within the city are not part of the answer: a job finds them after commit.
      await this.outbox.enqueue(
        em,
        'detect-duplicates',
        { jurisdiction: ctx.jurisdiction, leadIds: plan.collisionSubjects.map((c) => c.id) },
        JOB_KEYS.detectDuplicates(newRecordId()),
      );
    }
    // Their events went with the updates' (planned in request order).
    await this.recordStageMoves(em, ctx, plan.stageMoves, false);
    return plan.results;
  }
}

/**
 * Inserts leads as they are, without audit entries or events: for data that has no history to
 * record (the demo seed). One JSON row per lead, keys = `columns`; rows whose id exists are
 * skipped. Returns the ids inserted.
 */
export async function insertLeadRows(
  em: EntityManager,
  columns: readonly LeadColumn[],
  rows: Record<string, unknown>[],
): Promise<string[]> {
  const inserted = await sqlRows<{ id: string }>(
    em,
    `INSERT INTO leads (${columns.join(', ')})
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS ${leadRecordSql('t', columns)}
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(rows)],
  );
  return inserted.map((r) => r.id);
}

export type { LeadColumn };
