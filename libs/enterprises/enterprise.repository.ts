import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sqlParams, sqlRows } from '../db/sql';
import { escapeLike, fuzzyMatch, withFuzzyThreshold } from './base-data';
import { Enterprise, EnterpriseRow, EnterpriseValues, toEnterprise } from './enterprise';

type Db = DataSource | EntityManager;

const COLUMNS = `id, name, uscc, jurisdiction, segments, needs, chain_leader, revenue_wan, employees, address,
  tags, external_refs, version, created_at, updated_at`;

/** API field → column, for the hand-written INSERT/UPDATE. */
const COLUMN_OF: Record<keyof EnterpriseValues, string> = {
  name: 'name',
  uscc: 'uscc',
  jurisdiction: 'jurisdiction',
  segments: 'segments',
  needs: 'needs',
  chainLeader: 'chain_leader',
  revenueWan: 'revenue_wan',
  employees: 'employees',
  address: 'address',
  tags: 'tags',
  externalRefs: 'external_refs',
};

export interface EnterpriseFilter {
  jurisdiction?: string;
  segment?: string;
  /** any of these segments (an industry's segments): `segments && $n`, served by the GIN index */
  anySegments?: string[];
  chainLeader?: boolean;
  q?: string;
}

/** Keyset position: by id, or by (score, id) when ranking a fuzzy search. */
export type EnterpriseKey = [id: string] | [score: number, id: string];

/** Data access for enterprises. Soft-deleted rows (`deleted_at`) are invisible to every read here. */
@Injectable()
export class EnterpriseRepository {
  /** Live enterprises per (segment, jurisdiction): the industrial chain map's counts. */
  async segmentCounts(
    db: Db,
    segments: string[] | null,
  ): Promise<{ segment: string; jurisdiction: string; count: number }[]> {
    return sqlRows(
      db,
      `SELECT s AS segment, e.jurisdiction, count(*)::int AS count
         FROM enterprises e, unnest(e.segments) AS s
        WHERE e.deleted_at IS NULL AND ($1::text[] IS NULL OR s = ANY($1::text[]))
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [segments],
    );
  }

  async findLive(db: Db, id: string): Promise<Enterprise | null> {
    const [row] = await sqlRows<EnterpriseRow>(
      db,
      `SELECT ${COLUMNS} FROM enterprises WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    return row ? toEnterprise(row) : null;
  }

  async liveVersion(db: Db, id: string): Promise<number | null> {
    const [row] = await sqlRows<{ version: number }>(
      db,
      `SELECT version FROM enterprises WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    return row?.version ?? null;
  }

  /** The live enterprise holding this USCC, other than `exceptId`. */
  async findIdByUscc(db: Db, uscc: string, exceptId?: string): Promise<string | null> {
    const [row] = await sqlRows<{ id: string }>(
      db,
      `SELECT id FROM enterprises WHERE uscc = $1 AND deleted_at IS NULL AND ($2::uuid IS NULL OR id <> $2)`,
      [uscc, exceptId ?? null],
    );
    return row?.id ?? null;
  }

  async list(
    ds: DataSource,
    f: EnterpriseFilter,
    limit: number,
    after: EnterpriseKey | null,
  ): Promise<{ item: Enterprise; key: EnterpriseKey }[]> {
    const { params, p } = sqlParams();
    const where = ['deleted_at IS NULL'];
    if (f.jurisdiction) where.push(`jurisdiction = ${p(f.jurisdiction)}`);
    if (f.segment) where.push(`segments @> ARRAY[${p(f.segment)}]::text[]`);
    if (f.anySegments) where.push(`segments && ${p(f.anySegments)}::text[]`);
    if (f.chainLeader !== undefined) where.push(`chain_leader = ${p(f.chainLeader)}`);
    let score = '';
    let order = 'id';
    if (f.q) {
      const fuzzy = fuzzyMatch('name', p(f.q), p(`%${escapeLike(f.q)}%`));
      where.push(fuzzy.where);
      score = fuzzy.score;
      order = `${score} DESC, id`;
      if (after) {
        const [s, id] = after as [number, string];
        const sp = p(s);
        const ip = p(id);
        where.push(`(${score} < ${sp}::real OR (${score} = ${sp}::real AND id > ${ip}::uuid))`);
      }
    } else if (after) {
      where.push(`id > ${p(after[0])}::uuid`);
    }
    const sql = `SELECT ${COLUMNS}${score ? `, ${score} AS score` : ''} FROM enterprises
        WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p(limit + 1)}`;
    type Row = EnterpriseRow & { score?: number };
    const rows = f.q
      ? await withFuzzyThreshold(ds, (em) => sqlRows<Row>(em, sql, params))
      : await sqlRows<Row>(ds, sql, params);
    return rows.map((r) => ({
      item: toEnterprise(r),
      key: score ? [Number(r.score), r.id] : [r.id],
    }));
  }

  async insert(em: EntityManager, v: EnterpriseValues): Promise<Enterprise> {
    const fields = Object.keys(COLUMN_OF) as (keyof EnterpriseValues)[];
    const [row] = await sqlRows<EnterpriseRow>(
      em,
      `INSERT INTO enterprises (${fields.map((f) => COLUMN_OF[f]).join(', ')})
       VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${COLUMNS}`,
      fields.map((f) => dbValue(f, v[f])),
    );
    return toEnterprise(row);
  }

  /**
   * Optimistic update (DESIGN §11): applies only when the row still has `expectedVersion`, and
   * bumps the version (which feeds the change log). Null when the version is stale or the row gone.
   */
  async update(
    em: EntityManager,
    id: string,
    expectedVersion: number,
    patch: Partial<EnterpriseValues>,
  ): Promise<Enterprise | null> {
    const params: unknown[] = [id, expectedVersion];
    const sets = Object.entries(patch).map(([f, v]) => {
      params.push(dbValue(f as keyof EnterpriseValues, v));
      return `${COLUMN_OF[f as keyof EnterpriseValues]} = $${params.length}`;
    });
    const [row] = await sqlRows<EnterpriseRow>(
      em,
      `UPDATE enterprises SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
        WHERE id = $1 AND version = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      params,
    );
    return row ? toEnterprise(row) : null;
  }

  /** Soft delete; the version bump makes the change-log trigger record a tombstone (op 'delete'). */
  async softDelete(
    em: EntityManager,
    id: string,
    expectedVersion: number | null,
  ): Promise<{ version: number; deletedAt: string } | null> {
    const [row] = await sqlRows<{ version: number; deleted_at: Date }>(
      em,
      `UPDATE enterprises SET deleted_at = now(), version = version + 1, updated_at = now()
        WHERE id = $1 AND deleted_at IS NULL AND ($2::int IS NULL OR version = $2) RETURNING version, deleted_at`,
      [id, expectedVersion],
    );
    return row ? { version: row.version, deletedAt: new Date(row.deleted_at).toISOString() } : null;
  }
}

function dbValue(field: keyof EnterpriseValues, v: unknown): unknown {
  return field === 'externalRefs' ? JSON.stringify(v ?? []) : v;
}
