import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../db/sql';
import { notFound } from '../common/errors';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext, actorUserId } from '../common/request-context';
import type { Jurisdiction, Scope } from '../common/request-context';
import { requireUuidPath } from '../common/uuid';
import { AuditService } from '../audit/audit.service';
import { ApiKeyViewDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { generateApiKey, sha256 } from './secrets';

export interface AuthenticatedKey {
  id: string;
  name: string;
  jurisdiction: Jurisdiction;
  scopes: Scope[];
}

const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeyService {
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Finds an active key by its SHA-256; records last use at most once a minute per process. */
  async authenticate(secret: string): Promise<AuthenticatedKey | null> {
    const [row] = await sqlRows(
      this.ds,
      `SELECT id, name, jurisdiction, scopes FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [sha256(secret)],
    );
    if (!row) return null;
    const now = Date.now();
    if ((this.lastUsedWritten.get(row.id) ?? 0) < now - LAST_USED_RESOLUTION_MS) {
      this.lastUsedWritten.set(row.id, now);
      void sqlRows(this.ds, `UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [row.id]).catch(
        () => undefined,
      );
    }
    return row as AuthenticatedKey;
  }

  async list(ctx: RequestContext, limit: number, cursor?: string): Promise<Page<ApiKeyViewDto>> {
    const after = decodeCursor(cursor, 2);
    const rows = await sqlRows(
      this.ds,
      `SELECT * FROM api_keys WHERE jurisdiction = $1
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [ctx.jurisdiction, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    return toPage(
      rows,
      limit,
      (r: Record<string, unknown>) => [(r.created_at as Date).toISOString(), r.id],
      toKeyView,
    );
  }

  async create(ctx: RequestContext, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, hash, prefix } = generateApiKey();
    return this.ds.transaction(async (em) => {
      const [row] = await sqlRows(
        em,
        `INSERT INTO api_keys (name, jurisdiction, scopes, key_hash, key_prefix, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [dto.name, ctx.jurisdiction, dto.scopes, hash, prefix, actorUserId(ctx)],
      );
      await this.audit.record(em, ctx, 'create', 'api_key', row.id, {
        name: [null, dto.name],
        scopes: [null, dto.scopes],
      });
      return { id: row.id, name: dto.name, scopes: dto.scopes, jurisdiction: ctx.jurisdiction, key };
    });
  }

  /** Revokes a key of the admin's own jurisdiction; another jurisdiction's key is a 404. */
  async revoke(ctx: RequestContext, id: string): Promise<void> {
    requireUuidPath(id, 'api key');
    await this.ds.transaction(async (em) => {
      const rows = await sqlRows(
        em,
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND jurisdiction = $2 RETURNING id`,
        [id, ctx.jurisdiction],
      );
      if (!rows.length) throw notFound('api key');
      await this.audit.record(em, ctx, 'revoke', 'api_key', id, {});
    });
  }
}

function toKeyView(r: Record<string, unknown>): ApiKeyViewDto {
  const iso = (d: unknown) => (d ? (d as Date).toISOString() : null);
  return {
    id: r.id as string,
    name: r.name as string,
    scopes: r.scopes as Scope[],
    jurisdiction: r.jurisdiction as Jurisdiction,
    keyPrefix: r.key_prefix as string,
    createdAt: iso(r.created_at)!,
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}
