import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { fieldError } from '../common/errors';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext } from '../common/request-context';
import { sqlParams, sqlRows } from '../db/sql';
import { AuditEntryDto, AuditQuery } from './audit.dto';

interface AuditRow {
  id: string;
  at: Date;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  actor_display_name: string | null;
  actor_jurisdiction: string | null;
  action: string;
  entity: string;
  entity_id: string;
  changes: AuditEntryDto['changes'];
  request_id: string | null;
}

/**
 * Reads the append-only audit trail (DESIGN §4). A caller sees the entries of records
 * of its own jurisdiction only; a co-built park's entries belong to both jurisdictions. There is
 * deliberately no write or delete here: entries are written by AuditService with each change.
 */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(ctx: RequestContext, q: AuditQuery): Promise<Page<AuditEntryDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(q.cursor, 1);
    if (after && !(typeof after[0] === 'string' && /^\d{1,19}$/.test(after[0]))) {
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    }
    const { params, p } = sqlParams([ctx.jurisdiction]);
    const where = [
      `(a.jurisdiction = $1 OR (a.entity = 'park' AND EXISTS (
         SELECT 1 FROM parks pk WHERE pk.id = a.entity_id AND pk.co_built AND $1 = ANY (pk.jurisdictions))))`,
    ];
    if (q.entity) where.push(`a.entity = ${p(q.entity)}`);
    if (q.entityId) where.push(`a.entity_id = ${p(q.entityId.toLowerCase())}::uuid`);
    if (q.actorId) where.push(`a.actor_id = ${p(q.actorId.toLowerCase())}::uuid`);
    if (q.action) where.push(`a.action = ${p(q.action)}`);
    const when = (field: 'since' | 'until', v: string | undefined) => {
      if (v === undefined) return null;
      const t = Date.parse(v);
      if (Number.isNaN(t) || t < Date.UTC(1970, 0, 1) || t > Date.UTC(9999, 0, 1))
        throw fieldError(field, `${field} is not a date`);
      return new Date(t).toISOString();
    };
    const since = when('since', q.since);
    const until = when('until', q.until);
    if (since) where.push(`a.at >= ${p(since)}::timestamptz`);
    if (until) where.push(`a.at < ${p(until)}::timestamptz`);
    if (after) where.push(`a.id < ${p(after[0])}::bigint`);
    const rows = await sqlRows<AuditRow>(
      this.ds,
      `SELECT a.id::text AS id, a.at, a.actor_type, a.actor_id, a.actor_name, a.action, a.entity, a.entity_id,
              a.changes, a.request_id, u.display_name AS actor_display_name,
              COALESCE(u.jurisdiction, k.jurisdiction) AS actor_jurisdiction
         FROM (SELECT * FROM audit_entries a
                WHERE ${where.join(' AND ')}
                ORDER BY a.id DESC
                LIMIT ${p(limit + 1)}) a
         LEFT JOIN users u ON a.actor_type = 'user' AND u.id = a.actor_id
         LEFT JOIN api_keys k ON a.actor_type = 'api_key' AND k.id = a.actor_id
        ORDER BY a.id DESC`,
      params,
    );
    return toPage(rows, limit, (r) => [r.id], toEntry);
  }
}

function toEntry(r: AuditRow): AuditEntryDto {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: {
      type: r.actor_type,
      id: r.actor_id,
      name: r.actor_name,
      displayName: r.actor_display_name,
      jurisdiction: r.actor_jurisdiction,
    },
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    changes: r.changes,
    requestId: r.request_id,
  };
}
