import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RequestContext } from '../common/request-context';

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
    const actorName =
      ctx.actor.type === 'user'
        ? ctx.actor.username
        : ctx.actor.type === 'api_key'
          ? ctx.actor.name
          : ctx.actor.name;
    const json: Record<string, { before: unknown; after: unknown }> = {};
    for (const [k, [before, after]] of Object.entries(changes)) json[k] = { before, after };
    await em.query(
      `INSERT INTO audit_entries (actor_type, actor_id, actor_name, jurisdiction, action, entity, entity_id, changes, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [ctx.actor.type, ctx.actor.id, actorName, jurisdiction, action, entity, entityId, json, ctx.requestId],
    );
  }
}
