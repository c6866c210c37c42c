import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RequestContext } from '../common/request-context';
import { sqlRows } from '../db/sql';

/**
 * The head of an insert into the audit trail, for set-based writers that make their entries in a
 * statement of their own: `${AUDIT_INSERT} SELECT …` with the columns in this order. Its values
 * for the actor: actorColumns(ctx).
 */
export const AUDIT_INSERT = `INSERT INTO audit_entries
  (actor_type, actor_id, actor_name, jurisdiction, action, entity, entity_id, changes, request_id)`;

/** The actor columns of an audit entry: type, id, name. */
export function actorColumns(ctx: RequestContext): [string, string | null, string] {
  const a = ctx.actor;
  return [a.type, a.id, a.type === 'user' ? a.username : a.name];
}

/** Audit changes as stored: `{field: {before, after}}`. */
export function changesJson(changes: FieldChanges): Record<string, { before: unknown; after: unknown }> {
  const json: Record<string, { before: unknown; after: unknown }> = {};
  for (const [k, [before, after]] of Object.entries(changes)) json[k] = { before, after };
  return json;
}

export type FieldChanges = Record<string, [before: unknown, after: unknown]>;

/** Field-by-field difference of two plain records, for audit entries. */
export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields?: string[],
): FieldChanges {
  const out: FieldChanges = {};
  for (const f of fields ?? Object.keys(after)) {
    if (JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null))
      out[f] = [before[f] ?? null, after[f] ?? null];
  }
  return out;
}

/**
 * Append-only audit trail (DESIGN §4). Entries are written in the same transaction as the change
 * they describe; the table refuses UPDATE and DELETE by trigger.
 */
@Injectable()
export class AuditService {
  async record(
    em: EntityManager,
    ctx: RequestContext,
    action: string,
    entity: string,
    entityId: string,
    changes: FieldChanges,
    jurisdiction: string = ctx.jurisdiction,
  ): Promise<void> {
    const [actorType, actorId, actorName] = actorColumns(ctx);
    await sqlRows(em, `${AUDIT_INSERT} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      actorType,
      actorId,
      actorName,
      jurisdiction,
      action,
      entity,
      entityId,
      changesJson(changes),
      ctx.requestId,
    ]);
  }

  /** Several entries of one request in one statement (a set-based write's audit). */
  async recordMany(
    em: EntityManager,
    ctx: RequestContext,
    entity: string,
    entries: { action: string; entityId: string; changes: FieldChanges }[],
    jurisdiction: string = ctx.jurisdiction,
  ): Promise<void> {
    if (!entries.length) return;
    const [actorType, actorId, actorName] = actorColumns(ctx);
    await sqlRows(
      em,
      `${AUDIT_INSERT}
       SELECT $1, $2, $3, $4, a.action, $5, a.id, a.changes, $6
         FROM jsonb_to_recordset($7::jsonb) AS a(action text, id uuid, changes jsonb)`,
      [
        actorType,
        actorId,
        actorName,
        jurisdiction,
        entity,
        ctx.requestId,
        JSON.stringify(
          entries.map((e) => ({ action: e.action, id: e.entityId, changes: changesJson(e.changes) })),
        ),
      ],
    );
  }
}
