import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sqlParams, sqlRows } from '../db/sql';
import { escapeLike, fuzzyMatch, withFuzzyThreshold } from '../enterprises/base-data';
import { Park, ParkRow, ParkValues, toPark } from './park';

type Db = DataSource | EntityManager;

const COLUMNS = `id, name, name_en, jurisdictions, co_built, target_segments, available_land_mu,
  factory_space_sqm, incentives, version, created_at, updated_at`;

const COLUMN_OF: Record<keyof ParkValues, string> = {
  name: 'name',
  nameEn: 'name_en',
  jurisdictions: 'jurisdictions',
  coBuilt: 'co_built',
  targetSegments: 'target_segments',
  availableLandMu: 'available_land_mu',
  factorySpaceSqm: 'factory_space_sqm',
  incentives: 'incentives',
};

const RECORDSET = `v(id uuid, name text, name_en text, jurisdictions text[], co_built boolean,
  target_segments text[], available_land_mu numeric, factory_space_sqm numeric, incentives text)`;

function toRecord(r: ParkValues & { id: string }): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id };
  for (const [f, c] of Object.entries(COLUMN_OF)) out[c] = r[f as keyof ParkValues];
  return out;
}

export interface ParkFilter {
  jurisdiction?: string;
  segment?: string;
  coBuilt?: boolean;
  q?: string;
}

export type ParkKey = [id: string] | [score: number, id: string];

/** Fuzzy search looks at both names (parks are often searched in English by partners). */
const SEARCH_TEXT = `(name || ' ' || coalesce(name_en, ''))`;

@Injectable()
export class ParkRepository {
  async find(db: Db, id: string): Promise<Park | null> {
    const [row] = await sqlRows<ParkRow>(db, `SELECT ${COLUMNS} FROM parks WHERE id = $1`, [id]);
    return row ? toPark(row) : null;
  }

  /** The park, locked for a read-modify-write in the caller's transaction. */
  async findForUpdate(em: EntityManager, id: string): Promise<Park | null> {
    const [row] = await sqlRows<ParkRow>(em, `SELECT ${COLUMNS} FROM parks WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toPark(row) : null;
  }

  /** Parks by id, locked (in id order, so concurrent batches do not deadlock) for a set-based write. */
  async findManyForUpdate(em: EntityManager, ids: string[]): Promise<Park[]> {
    if (!ids.length) return [];
    const rows = await sqlRows<ParkRow>(
      em,
      `SELECT ${COLUMNS} FROM parks WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return rows.map(toPark);
  }

  /** The ids of the parks with exactly these names (an import's key: parks have no other). */
  async idsByName(em: EntityManager, names: string[]): Promise<{ id: string; name: string }[]> {
    if (!names.length) return [];
    return sqlRows<{ id: string; name: string }>(
      em,
      `SELECT id, name FROM parks WHERE name = ANY($1::text[]) ORDER BY id`,
      [names],
    );
  }

  async list(
    ds: DataSource,
    f: ParkFilter,
    limit: number,
    after: ParkKey | null,
  ): Promise<{ item: Park; key: ParkKey }[]> {
    const { params, p } = sqlParams();
    const where = ['true'];
    if (f.jurisdiction) where.push(`jurisdictions @> ARRAY[${p(f.jurisdiction)}]::text[]`);
    if (f.segment) where.push(`target_segments @> ARRAY[${p(f.segment)}]::text[]`);
    if (f.coBuilt !== undefined) where.push(`co_built = ${p(f.coBuilt)}`);
    let score = '';
    let order = 'id';
    if (f.q) {
      const fuzzy = fuzzyMatch(SEARCH_TEXT, p(f.q), p(`%${escapeLike(f.q)}%`));
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
    const sql = `SELECT ${COLUMNS}${score ? `, ${score} AS score` : ''} FROM parks
        WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p(limit + 1)}`;
    type Row = ParkRow & { score?: number };
    const rows = f.q
      ? await withFuzzyThreshold(ds, (em) => sqlRows<Row>(em, sql, params))
      : await sqlRows<Row>(ds, sql, params);
    return rows.map((r) => ({ item: toPark(r), key: score ? [Number(r.score), r.id] : [r.id] }));
  }

  /** Inserts parks with the ids given, in one statement. */
  async insertMany(em: EntityManager, rows: (ParkValues & { id: string })[]): Promise<Park[]> {
    if (!rows.length) return [];
    const out = await sqlRows<ParkRow>(
      em,
      `INSERT INTO parks (id, ${Object.values(COLUMN_OF).join(', ')})
       SELECT v.id, ${Object.values(COLUMN_OF)
         .map((c) => `v.${c}`)
         .join(', ')}
         FROM jsonb_to_recordset($1::jsonb) AS ${RECORDSET}
       RETURNING ${COLUMNS}`,
      [JSON.stringify(rows.map(toRecord))],
    );
    return out.map(toPark);
  }

  /**
   * Sets every field of parks the caller has locked (findManyForUpdate) and read, in one
   * statement; each version is bumped once.
   */
  async updateMany(em: EntityManager, rows: (ParkValues & { id: string })[]): Promise<Park[]> {
    if (!rows.length) return [];
    const out = await sqlRows<ParkRow>(
      em,
      `UPDATE parks p SET ${Object.values(COLUMN_OF)
        .map((c) => `${c} = v.${c}`)
        .join(', ')}, version = p.version + 1, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS ${RECORDSET}
        WHERE p.id = v.id
       RETURNING ${COLUMNS.split(',')
         .map((c) => `p.${c.trim()}`)
         .join(', ')}`,
      [JSON.stringify(rows.map(toRecord))],
    );
    return out.map(toPark);
  }

  /** Optimistic update (DESIGN §11); null when the version is stale or the park is gone. */
  async update(
    em: EntityManager,
    id: string,
    expectedVersion: number,
    patch: Partial<ParkValues>,
  ): Promise<Park | null> {
    const { params, p } = sqlParams([id, expectedVersion]);
    const sets = Object.entries(patch).map(([f, v]) => `${COLUMN_OF[f as keyof ParkValues]} = ${p(v)}`);
    const [row] = await sqlRows<ParkRow>(
      em,
      `UPDATE parks SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
        WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
      params,
    );
    return row ? toPark(row) : null;
  }
}
