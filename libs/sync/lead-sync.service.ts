import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { FieldChanges } from '../audit/audit.service';
import { CollisionDetector } from '../collisions/collision-detector';
import type { RequestContext } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { DomainEvent, EventsService, dispatchRowsSql } from '../events/events.service';
import { MilestoneFacts, factErrors, factsOfRow, normaliseFunds } from '../leads/lead-milestones';
import { checkTransition, isLeadStage, resumeStageAfter } from '../leads/lead-stage';
import type { LeadStage } from '../leads/lead-stage';
import type { LeadRow } from '../leads/lead-view';
import { OUTBOX_CHANNEL, OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { ExternalRef, LeadValues, checkLeadItem, isInitialStage } from './item-validation';
import { ItemResult, actorColumns, isRetryable, newRecordId, refKeyOf, same } from './sync-results';

/** Set for a transaction that has claimed the external refs of every lead it inserts. */
export const LEAD_REFS_CLAIMED = 'liancheng.lead_refs_claimed';

/** Columns an item sets, with the API field name used in audit entries. */
const LEAD_COLUMNS: [keyof LeadValues, string][] = [
  ['title', 'title'],
  ['investor_name', 'investor.name'],
  ['investor_norm', 'investorNorm'],
  ['investor_uscc', 'investor.uscc'],
  ['investor_enterprise_id', 'investor.enterpriseId'],
  ['investor_country', 'investor.country'],
  ['summary', 'summary'],
  ['segments', 'segments'],
  ['industries', 'industries'],
  ['planned_investment_wan', 'plannedInvestmentWan'],
  ['land_need_mu', 'landNeedMu'],
  ['expected_jobs', 'expectedJobs'],
  ['stage', 'stage'],
  ['sharing', 'sharing'],
  ['confidential', 'confidential'],
  ['code_name', 'codeName'],
  ['source', 'source'],
  ['next_action_at', 'nextActionAt'],
  ['contacts', 'contacts'],
  ['partner_summary', 'partnerSummary'],
  ['signed_at', 'signedAt'],
  ['contract_amount_wan', 'contractAmountWan'],
  ['project_uscc', 'projectUscc'],
  ['started_at', 'startedAt'],
  ['operating_at', 'operatingAt'],
  ['funds_in_place', 'fundsInPlace'],
];

/** The stored row in the same normal form as validated item values. */
function storedValues(row: LeadRow): LeadValues {
  const n = (v: string | number | null) => (v === null || v === undefined ? null : Number(v));
  return {
    title: row.title,
    investor_name: row.investor_name,
    investor_norm: row.investor_norm,
    investor_uscc: row.investor_uscc,
    investor_enterprise_id: row.investor_enterprise_id,
    investor_country: row.investor_country,
    summary: row.summary,
    segments: row.segments,
    industries: row.industries,
    planned_investment_wan: n(row.planned_investment_wan) ?? 0,
    land_need_mu: n(row.land_need_mu),
    expected_jobs: row.expected_jobs,
    stage: row.stage,
    sharing: row.sharing,
    confidential: row.confidential,
    code_name: row.code_name,
    source: row.source,
    next_action_at: row.next_action_at === null ? null : new Date(row.next_action_at).toISOString(),
    contacts: row.contacts ?? [],
    partner_summary: row.partner_summary ?? null,
    signed_at: row.signed_at ?? null,
    contract_amount_wan: n(row.contract_amount_wan),
    project_uscc: row.project_uscc ?? null,
    started_at: row.started_at ?? null,
    operating_at: row.operating_at ?? null,
    funds_in_place: normaliseFunds(row.funds_in_place ?? []),
  };
}

/** The milestone facts of a validated item (DESIGN §6). */
function itemFacts(v: LeadValues): MilestoneFacts {
  return factsOfRow(v);
}

function diff(before: LeadValues | null, after: LeadValues): FieldChanges {
  const out: FieldChanges = {};
  for (const [col, field] of LEAD_COLUMNS) {
    if (col === 'investor_norm' || col === 'industries') continue; // derived
    if (!before || !same(before[col], after[col])) out[field] = [before ? before[col] : null, after[col]];
  }
  return out;
}

const RECORDSET = `v(id uuid, title text, investor_name text, investor_norm text, investor_uscc text,
  investor_enterprise_id uuid, investor_country text, summary text, segments text[], industries text[],
  planned_investment_wan numeric, land_need_mu numeric, expected_jobs int, stage text, resume_stage text,
  sharing text, confidential boolean, code_name text, source text, next_action_at timestamptz,
  contacts jsonb, external_refs jsonb, partner_summary text, signed_at date, contract_amount_wan numeric,
  project_uscc text, started_at date, operating_at date, funds_in_place jsonb, owner_id uuid)`;

/**
 * Every write of the created leads in one statement, from one JSON parameter ($1: the rows of
 * `leads`): the leads, their `create` audit entries (each field {before: null, after}, the JSON
 * values as sent, as diff(null, values) gives them), `lead.created` domain events, the outbox
 * rows (dispatch-event per event) and the outbox wake-up. The same rows the separate statements
 * wrote, one round trip and one JSON parse instead of five of each. Each lead's match job and
 * match state are written by the leads' insert trigger (migration 1764300000000).
 */
const CREATE_SQL = `
  WITH e AS MATERIALIZED (SELECT value AS j FROM jsonb_array_elements($1::jsonb)),
  ins AS (
    INSERT INTO leads (id, title, investor_name, investor_norm, investor_uscc, investor_enterprise_id,
      investor_country, summary, segments, industries, planned_investment_wan, land_need_mu, expected_jobs,
      stage, resume_stage, jurisdiction, owner_id, sharing, confidential, code_name, source, next_action_at,
      contacts, external_refs, partner_summary, signed_at, contract_amount_wan, project_uscc, started_at,
      operating_at, funds_in_place)
    SELECT v.id, v.title, v.investor_name, v.investor_norm, v.investor_uscc, v.investor_enterprise_id,
      v.investor_country, v.summary, v.segments, v.industries, v.planned_investment_wan, v.land_need_mu,
      v.expected_jobs, v.stage, v.resume_stage, $2, v.owner_id, v.sharing, v.confidential, v.code_name, v.source,
      v.next_action_at, v.contacts, v.external_refs, v.partner_summary, v.signed_at, v.contract_amount_wan,
      v.project_uscc, v.started_at, v.operating_at, COALESCE(v.funds_in_place, '[]')
      FROM e CROSS JOIN LATERAL jsonb_to_record(e.j) AS ${RECORDSET}
    RETURNING id),
  aud AS (
    INSERT INTO audit_entries (actor_type, actor_id, actor_name, jurisdiction, action, entity, entity_id, changes, request_id)
    SELECT $3, $4, $5, $2, 'create', 'lead', (e.j->>'id')::uuid, jsonb_build_object(${LEAD_COLUMNS.filter(
      ([col]) => col !== 'investor_norm' && col !== 'industries',
    )
      .map(([col, field]) => `'${field}', jsonb_build_object('before', NULL::jsonb, 'after', e.j->'${col}')`)
      .join(', ')}), $6
      FROM e),
  ev AS (
    INSERT INTO domain_events (type, entity, entity_id, entity_version, jurisdiction, detail)
    SELECT 'lead.created', 'lead', (e.j->>'id')::uuid, 1, $2,
           jsonb_strip_nulls(jsonb_build_object('assignedTo', e.j->'owner_id')) FROM e
    RETURNING id, type, detail),
  ob AS (
    INSERT INTO outbox (kind, dedupe_key, payload)
    ${dispatchRowsSql('ev')})
  SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;

/**
 * A created lead as one element of CREATE_SQL's $1. Null values are left out: jsonb_to_record and
 * `e.j->'…'` read a missing key as NULL (the audit entry still says `after: null`), and the rows
 * are smaller to send and to parse.
 */
function createRow(p: Pending): Record<string, unknown> {
  const row: Record<string, unknown> = { id: p.newId, external_refs: [p.ref] };
  for (const [col, v] of Object.entries(p.values)) if (v !== null) row[col] = v;
  return row;
}

interface Pending {
  index: number;
  ref: ExternalRef;
  /** refKeyOf(ref), computed once: the batch is sorted by it. */
  key: string;
  values: LeadValues;
  newId: string;
}

/**
 * Bulk upsert of leads by external reference (DESIGN §11): validate every item in JS,
 * then a fixed number of set-based statements in one transaction, whatever the batch size:
 * claim refs, lock the existing leads, one INSERT … SELECT FROM jsonb_to_recordset, one UPDATE …
 * FROM jsonb_to_recordset, and set-based audit, activity, outbox and domain-event inserts.
 * `unchanged` items write nothing (no version, no audit, no change-log entry).
 */
@Injectable()
export class LeadSyncService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly taxonomy: TaxonomyService,
    private readonly outbox: OutboxService,
    private readonly events: EventsService,
    private readonly collisions: CollisionDetector,
  ) {}

  async upsert(ctx: RequestContext, items: unknown[]): Promise<ItemResult[]> {
    const graph = await this.taxonomy.graph();
    const results: ItemResult[] = new Array(items.length);
    const pending: Pending[] = [];
    const seen = new Set<string>();
    items.forEach((raw, index) => {
      const c = checkLeadItem(raw, graph);
      if (!c.ok) {
        results[index] = { index, externalRef: c.externalRef, status: 'error', errors: c.errors };
        return;
      }
      const key = refKeyOf(c.externalRef!);
      if (seen.has(key)) {
        results[index] = {
          index,
          externalRef: c.externalRef,
          status: 'error',
          errors: [{ field: 'externalRef', message: 'appears more than once in this request' }],
        };
        return;
      }
      seen.add(key);
      pending.push({ index, ref: c.externalRef!, key, values: c.values, newId: newRecordId() });
    });

    // investor.enterpriseId must name an existing enterprise (one query for the batch).
    const enterpriseIds = [...new Set(pending.map((p) => p.values.investor_enterprise_id).filter(Boolean))];
    if (enterpriseIds.length) {
      const found = new Set(
        (
          await sqlRows<{ id: string }>(
            this.ds,
            `SELECT id FROM enterprises WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
            [enterpriseIds],
          )
        ).map((r) => r.id),
      );
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i];
        if (p.values.investor_enterprise_id && !found.has(p.values.investor_enterprise_id)) {
          results[p.index] = {
            index: p.index,
            externalRef: p.ref,
            status: 'error',
            errors: [{ field: 'investor.enterpriseId', message: 'no such enterprise' }],
          };
          pending.splice(i, 1);
        }
      }
    }

    // ownerId must name an active user of the key's jurisdiction (one query for the batch).
    const ownerIds = [...new Set(pending.map((p) => p.values.owner_id).filter((o): o is string => !!o))];
    if (ownerIds.length) {
      const found = new Set(
        (
          await sqlRows<{ id: string }>(
            this.ds,
            `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND jurisdiction = $2 AND active`,
            [ownerIds, ctx.jurisdiction],
          )
        ).map((r) => r.id),
      );
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i];
        if (p.values.owner_id && !found.has(p.values.owner_id)) {
          results[p.index] = {
            index: p.index,
            externalRef: p.ref,
            status: 'error',
            errors: [{ field: 'ownerId', message: `must be an active user of ${ctx.jurisdiction}` }],
          };
          pending.splice(i, 1);
        }
      }
    }

    if (pending.length) {
      for (let attempt = 1; ; attempt++) {
        try {
          const written = await this.ds.transaction((em) => this.write(em, ctx, pending));
          for (const r of written) results[r.index] = r;
          break;
        } catch (e) {
          if (attempt >= 4 || !isRetryable(e)) throw e;
        }
      }
    }
    return results;
  }

  private async write(em: EntityManager, ctx: RequestContext, pending: Pending[]): Promise<ItemResult[]> {
    const out: ItemResult[] = [];
    // Batch statements over 1,000 rows can pass jit_above_cost on stale statistics (a table that
    // grew fast): compiling them costs more CPU than running them. And the trigger that indexes
    // inserted leads' external refs stays quiet (migration 1764202400000): step 1 claims the ref
    // of every lead this transaction creates, and it creates no other.
    await em.query(`SELECT set_config('jit', 'off', true), set_config('${LEAD_REFS_CLAIMED}', 'on', true)`);
    // 1. Claim the refs not yet known. A concurrent batch claiming the same ref waits here until
    //    we commit, then sees ours: two creates of one ref cannot both happen.
    const sorted = [...pending].sort((a, b) => (a.key < b.key ? -1 : 1));
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
    const creates = pending.filter((p) => claimedIds.has(p.newId));
    const others = pending.filter((p) => !claimedIds.has(p.newId));

    // 2. Lock the existing leads the other items name, in id order (the refs sorted by lead id,
    //    then one locking probe each in that order). LATERAL … OFFSET 0 probes by key per item
    //    even when the statistics of a fast-growing table are stale (a hash join would read every
    //    row of the jurisdiction).
    const existing = others.length
      ? await sqlRows<LeadRow & { ref_system: string; ref_id: string }>(
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
    const byRef = new Map(existing.map((r) => [refKeyOf({ system: r.ref_system, id: r.ref_id }), r]));

    const inserts: Record<string, unknown>[] = [];
    const updates: Record<string, unknown>[] = [];
    const audits: {
      action: string;
      id: string;
      changes: Record<string, { before: unknown; after: unknown }>;
    }[] = [];
    const stageChanges: { id: string; from: string; to: string }[] = [];
    const events: DomainEvent[] = [];
    const rejectedClaims: string[] = [];
    const collisionSubjects: { id: string; investor_norm: string }[] = [];

    for (const p of creates) {
      if (!isInitialStage(p.values.stage)) {
        out.push({
          index: p.index,
          externalRef: p.ref,
          status: 'error',
          errors: [{ field: 'stage', message: `a new lead cannot start ${p.values.stage}` }],
        });
        rejectedClaims.push(p.newId);
        continue;
      }
      const missing = factErrors(
        p.values.stage as LeadStage,
        null,
        itemFacts(p.values),
        p.values.funds_in_place,
      );
      if (missing.length) {
        out.push({ index: p.index, externalRef: p.ref, status: 'error', errors: missing });
        rejectedClaims.push(p.newId);
        continue;
      }
      // Audit entry, lead.created event and outbox rows are written with the insert (CREATE_SQL).
      inserts.push(createRow(p));
      collisionSubjects.push({ id: p.newId, investor_norm: p.values.investor_norm });
      out.push({ index: p.index, externalRef: p.ref, id: p.newId, status: 'created', collisions: [] });
    }

    for (const p of others) {
      const row = byRef.get(p.key);
      if (!row) {
        out.push({
          index: p.index,
          externalRef: p.ref,
          status: 'error',
          errors: [{ field: 'externalRef', message: 'is held by a record that no longer exists' }],
        });
        continue;
      }
      if (row.jurisdiction !== ctx.jurisdiction) {
        // DESIGN §5: a key writes only its own jurisdiction's records. No id: it may be private.
        out.push({
          index: p.index,
          externalRef: p.ref,
          status: 'error',
          errors: [
            {
              field: 'externalRef',
              message: 'belongs to a record of another jurisdiction, which this key cannot change',
            },
          ],
        });
        continue;
      }
      const before = storedValues(row);
      const changes = diff(before, p.values);
      // The owner changes only when the item names one (undefined keeps it).
      const owner = p.values.owner_id === undefined ? row.owner_id : p.values.owner_id;
      if (owner !== row.owner_id) changes.ownerId = [row.owner_id, owner];
      if (!Object.keys(changes).length) {
        out.push({ index: p.index, externalRef: p.ref, id: row.id, status: 'unchanged' });
        continue;
      }
      let resumeStage = row.resume_stage;
      if (before.stage !== p.values.stage) {
        const from = isLeadStage(before.stage) ? before.stage : 'lead';
        const check = isLeadStage(p.values.stage)
          ? checkTransition(from, p.values.stage, { resumeStage: row.resume_stage, isManager: false })
          : { ok: false as const, allowed: [] };
        if (!check.ok) {
          out.push({
            index: p.index,
            externalRef: p.ref,
            id: row.id,
            status: 'error',
            errors: [
              {
                field: 'stage',
                message: `cannot move from ${before.stage} to ${p.values.stage}; allowed: ${check.allowed.join(', ') || 'none'}`,
              },
            ],
          });
          continue;
        }
        resumeStage = resumeStageAfter(from, p.values.stage as never);
      }
      // DESIGN §6: the record must carry the facts of every milestone its stage has reached.
      const missing = factErrors(
        p.values.stage as LeadStage,
        resumeStage as LeadStage | null,
        itemFacts(p.values),
        p.values.funds_in_place,
      );
      if (missing.length) {
        out.push({ index: p.index, externalRef: p.ref, id: row.id, status: 'error', errors: missing });
        continue;
      }
      if (before.stage !== p.values.stage) {
        stageChanges.push({ id: row.id, from: before.stage, to: p.values.stage });
        events.push({
          type: 'lead.stage_changed',
          entity: 'lead',
          entityId: row.id,
          entityVersion: row.version + 1,
          jurisdiction: row.jurisdiction,
          detail: { fromStage: before.stage, toStage: p.values.stage },
        });
      }
      updates.push({
        id: row.id,
        ...p.values,
        owner_id: owner,
        resume_stage: resumeStage,
        external_refs: row.external_refs,
      });
      audits.push({ action: 'update', id: row.id, changes: toJson(changes) });
      events.push({
        type: 'lead.updated',
        entity: 'lead',
        entityId: row.id,
        entityVersion: row.version + 1,
        jurisdiction: row.jurisdiction,
        // DESIGN §18: a new owner is told, whoever wrote the change.
        ...(owner && owner !== row.owner_id ? { detail: { assignedTo: owner } } : {}),
      });
      // DESIGN §7: a changed investor may now collide (as PATCH /leads does).
      if ('investor.name' in changes || 'investor.uscc' in changes)
        collisionSubjects.push({ id: row.id, investor_norm: p.values.investor_norm });
      out.push({ index: p.index, externalRef: p.ref, id: row.id, status: 'updated', collisions: [] });
    }

    if (rejectedClaims.length) {
      await em.query(`DELETE FROM external_ref_index WHERE entity = 'lead' AND entity_id = ANY($1::uuid[])`, [
        rejectedClaims,
      ]);
    }
    const [actorType, actorId, actorName] = actorColumns(ctx);
    if (inserts.length) {
      await em.query(CREATE_SQL, [
        JSON.stringify(inserts),
        ctx.jurisdiction,
        actorType,
        actorId,
        actorName,
        ctx.requestId,
      ]);
    }
    if (updates.length) {
      await em.query(
        `UPDATE leads l SET title = v.title, investor_name = v.investor_name, investor_norm = v.investor_norm,
           investor_uscc = v.investor_uscc, investor_enterprise_id = v.investor_enterprise_id,
           investor_country = v.investor_country, summary = v.summary, segments = v.segments,
           industries = v.industries, planned_investment_wan = v.planned_investment_wan,
           land_need_mu = v.land_need_mu, expected_jobs = v.expected_jobs, stage = v.stage,
           resume_stage = v.resume_stage, sharing = v.sharing, confidential = v.confidential,
           code_name = v.code_name, source = v.source, next_action_at = v.next_action_at,
           contacts = v.contacts, partner_summary = v.partner_summary, signed_at = v.signed_at,
           contract_amount_wan = v.contract_amount_wan, project_uscc = v.project_uscc,
           started_at = v.started_at, operating_at = v.operating_at, funds_in_place = v.funds_in_place,
           owner_id = v.owner_id, version = l.version + 1, updated_at = now()
          FROM jsonb_to_recordset($1::jsonb) AS ${RECORDSET}
         WHERE l.id = v.id AND l.id = ANY($3::uuid[]) AND l.jurisdiction = $2`,
        [JSON.stringify(updates), ctx.jurisdiction, updates.map((u) => u.id)],
      );
    }
    if (audits.length) {
      await em.query(
        `INSERT INTO audit_entries (actor_type, actor_id, actor_name, jurisdiction, action, entity, entity_id, changes, request_id)
         SELECT $1, $2, $3, $4, a.action, 'lead', a.id, a.changes, $5
           FROM jsonb_to_recordset($6::jsonb) AS a(action text, id uuid, changes jsonb)`,
        [actorType, actorId, actorName, ctx.jurisdiction, ctx.requestId, JSON.stringify(audits)],
      );
    }
    if (stageChanges.length) {
      // DESIGN §6: every transition is an activity in the lead's timeline.
      await em.query(
        `INSERT INTO activities (lead_id, type, occurred_at, summary, author_id, author_key_id, jurisdiction, from_stage, to_stage)
         SELECT s.id, 'stage_change', now(), s.f || ' → ' || s.t || ' (partner sync)', $1, $2, $3, s.f, s.t
           FROM jsonb_to_recordset($4::jsonb) AS s(id uuid, f text, t text)`,
        [
          ctx.actor.type === 'user' ? ctx.actor.id : null,
          ctx.actor.type === 'api_key' ? ctx.actor.id : null,
          ctx.jurisdiction,
          JSON.stringify(stageChanges.map((s) => ({ id: s.id, f: s.from, t: s.to }))),
        ],
      );
    }
    // Match jobs of leads whose matching inputs changed are queued by the leads' update trigger.
    if (events.length) await this.events.recordMany(em, events);
    // Last, so the global collision lock is held for as short a time as possible before commit:
    // the created leads and those whose investor changed, one statement for the batch.
    if (collisionSubjects.length) {
      const found = await this.collisions.detectMany(em, ctx.jurisdiction, collisionSubjects, 'partners');
      if (found.size) for (const r of out) if (r.id && r.collisions) r.collisions = found.get(r.id) ?? [];
      // Duplicates within the city are not part of the answer: a job finds them after commit.
      await this.outbox.enqueue(
        em,
        'detect-duplicates',
        { jurisdiction: ctx.jurisdiction, leadIds: collisionSubjects.map((c) => c.id) },
        `detect-duplicates:${newRecordId()}`,
      );
    }
    if (stageChanges.length) {
      const norms = new Map(updates.map((u) => [u.id as string, u.investor_norm as string]));
      await this.collisions.afterStageChanges(
        em,
        ctx.jurisdiction,
        stageChanges.map((s) => ({
          lead: { id: s.id, investor_norm: norms.get(s.id)! },
          from: s.from,
          to: s.to,
        })),
      );
    }
    return out;
  }
}

function toJson(changes: FieldChanges) {
  const json: Record<string, { before: unknown; after: unknown }> = {};
  for (const [k, [before, after]] of Object.entries(changes)) json[k] = { before, after };
  return json;
}
