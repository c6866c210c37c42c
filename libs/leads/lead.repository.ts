import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Jurisdiction } from '../common/request-context';
import { sqlOne, sqlParams, sqlRows } from '../db/sql';
import { leadViewJsonSql, visibilityBranches, visibleSql } from './lead-policy';
import type { ActivityRow, LeadRow } from './lead-view';

type Db = EntityManager | DataSource;

/** Microsecond-exact, sortable text of a timestamp, for keyset cursors. */
export const TS_KEY = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface LeadFilters {
  viewer: Jurisdiction;
  partner: Jurisdiction;
  jurisdiction?: Jurisdiction;
  stage?: string;
  industry?: string;
  segment?: string;
  sharing?: string;
  ownerId?: string;
  /** Only leads without an owner (the 待分配 queue). */
  unassigned?: boolean;
  q?: string;
  /** substring (ILIKE) or fuzzy (word similarity) matching of `q`. */
  qMode?: 'substring' | 'fuzzy';
  updatedSince?: string;
}

/** A lead rendered by Postgres as the viewer sees it (JSON text of a LeadView). */
export interface RenderedLead {
  version: number;
  view: string;
}

/** A row of a list page: the keyset key and the rendered view. */
export interface LeadListRow {
  id: string;
  _key?: string;
  view: string;
}

export type LeadListKey = { mode: 'id'; id: string } | { mode: 'updated'; ts: string; id: string };

/** Leads a text search walks in id order before choosing between walking on and the text index. */
export const SEARCH_PROBE = 2000;
/** Matches within the probe that make a term common enough to keep walking (≈ 0.3% of leads). */
const COMMON_TERM_HITS = 6;
/** Upper bound of one further walk, and how many walks before the text index takes over. */
const SEARCH_WALK_MAX = 60_000;
const SEARCH_WALK_ROUNDS = 3;

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Only `q` and filters the walk index holds (jurisdiction, sharing), ordered by id, substring mode. */
function walkable(f: LeadFilters, after: LeadListKey | null): boolean {
  return (
    !!f.q &&
    f.qMode !== 'fuzzy' &&
    !f.stage &&
    !f.industry &&
    !f.segment &&
    !f.ownerId &&
    !f.unassigned &&
    !f.updatedSince &&
    after?.mode !== 'updated'
  );
}

const visibilityOf = (f: LeadFilters) => ({
  viewer: f.viewer,
  partner: f.partner,
  jurisdiction: f.jurisdiction,
  sharing: f.sharing,
  searching: !!f.q,
});

/** Hand-written SQL for the lead hot paths (STYLE: repositories own data access). */
@Injectable()
export class LeadRepository {
  /** One round trip: the lead if `viewer` may see it (DESIGN §5), else undefined. */
  findVisible(db: Db, id: string, viewer: Jurisdiction): Promise<LeadRow | undefined> {
    return sqlOne<LeadRow>(db, `SELECT * FROM leads WHERE id = $1 AND ${visibleSql('$2')}`, [id, viewer]);
  }

  /** findVisible, rendered: the lead's view JSON as `viewer` sees it (leadViewJsonSql) and its version. */
  findVisibleView(db: Db, id: string, viewer: Jurisdiction): Promise<RenderedLead | undefined> {
    return sqlOne<RenderedLead>(
      db,
      `SELECT version, ${leadViewJsonSql('$2')} AS view
         FROM leads WHERE id = $1 AND ${visibleSql('$2')}`,
      [id, viewer],
    );
  }

  /** Locks the row for a read-modify-write in the caller's transaction. */
  findForUpdate(em: EntityManager, id: string): Promise<LeadRow | undefined> {
    return sqlOne<LeadRow>(em, `SELECT * FROM leads WHERE id = $1 FOR UPDATE`, [id]);
  }

  async currentVersion(db: Db, id: string): Promise<number | undefined> {
    const row = await sqlOne<{ version: number }>(db, `SELECT version FROM leads WHERE id = $1`, [id]);
    return row?.version;
  }

  /**
   * Keyset page of visible leads, ordered by id, or by (updated_at, id) for `updatedSince`.
   * Visibility is one branch per jurisdiction (lead-policy visibilityBranches), each an ordered
   * scan of a (jurisdiction, [stage,] id) index that stops after `limit + 1` rows; a Merge Append
   * joins them.
   */
  async list(db: Db, f: LeadFilters, after: LeadListKey | null, limit: number): Promise<LeadListRow[]> {
    if (walkable(f, after)) return this.searchWalk(db, f, after?.mode === 'id' ? after.id : null, limit);
    return this.listIndexed(db, f, after, limit);
  }

  /**
   * `q` alone (with visibility, jurisdiction and sharing): decides per term how to search.
   * A probe walks the first SEARCH_PROBE leads after the cursor in id order (index-only scan of
   * the primary key, which INCLUDEs what the search reads). A common term fills the page there,
   * or after a longer walk sized from the probe's hit rate; a rare one continues through the
   * trigram / bigram index (listIndexed) after the part already walked. Either way the page is
   * the first `limit + 1` matches in id order, as listIndexed alone would give: only the cost
   * differs.
   */
  private async searchWalk(
    db: Db,
    f: LeadFilters,
    afterId: string | null,
    limit: number,
  ): Promise<LeadListRow[]> {
    if (!visibilityBranches(visibilityOf(f), () => '').length) return [];
    const want = limit + 1;
    const rows: LeadListRow[] = [];
    let from = afterId;
    let budget = SEARCH_PROBE;
    let walked = 0;
    for (let round = 0; round < SEARCH_WALK_ROUNDS; round++) {
      const hits = await this.walk(db, f, from, budget, want - rows.length);
      rows.push(...hits);
      if (rows.length >= want) return rows;
      // Short of a page: the walk read its whole budget (or reached the last lead). Every lead up
      // to the last match has been looked at; the next step starts after it.
      walked += budget;
      if (hits.length) from = hits[hits.length - 1].id;
      if (rows.length < COMMON_TERM_HITS) break; // rare: the text index answers the rest
      // Walk on about twice as far as the hit rate so far says the rest of the page needs (the
      // walk stops as soon as the page is full, so a generous budget costs nothing).
      budget = Math.min(SEARCH_WALK_MAX, Math.ceil((2 * (want - rows.length) * walked) / rows.length));
    }
    const rest = await this.listIndexed(
      db,
      f,
      from ? { mode: 'id', id: from } : null,
      want - rows.length - 1,
    );
    return [...rows, ...rest];
  }

  /**
   * One walk in id order over at most `budget` leads after `afterId`, stopping at `want` matches:
   * the matches, rendered.
   */
  private walk(
    db: Db,
    f: LeadFilters,
    afterId: string | null,
    budget: number,
    want: number,
  ): Promise<LeadListRow[]> {
    const { params, p } = sqlParams();
    const q = f.q!;
    const caseless = q.toLowerCase() === q.toUpperCase();
    const match = `(title || ' ' || investor_name) ${caseless ? 'LIKE' : 'ILIKE'} ${p(likePattern(q))}`;
    const visible = visibilityBranches({ ...visibilityOf(f), indexOnly: true }, p)
      .map((b) => `(${b.join(' AND ')})`)
      .join(' OR ');
    const walked = `SELECT id, (${visible}) AND ${match} AS hit FROM leads
                     WHERE ${afterId ? `id > ${p(afterId)}::uuid` : 'true'} ORDER BY id LIMIT ${p(budget)}`;
    return sqlRows<LeadListRow>(
      db,
      `SELECT leads.id, ${leadViewJsonSql(p(f.viewer))} AS view
         FROM (SELECT id FROM (${walked}) walked WHERE hit ORDER BY id LIMIT ${p(want)}) found
         JOIN leads ON leads.id = found.id
        ORDER BY leads.id`,
      params,
    );
  }

  private async listIndexed(
    db: Db,
    f: LeadFilters,
    after: LeadListKey | null,
    limit: number,
  ): Promise<LeadListRow[]> {
    const { params, p } = sqlParams();
    const common: string[] = [];
    if (f.stage) common.push(`stage = ${p(f.stage)}`);
    // A segment implies its industry (the service drops a redundant industry filter): no GIN
    // bitmap over a fifth of the table just to confirm it.
    if (f.industry) common.push(`industries @> ARRAY[${p(f.industry)}]::text[]`);
    if (f.segment) common.push(`segments @> ARRAY[${p(f.segment)}]::text[]`);
    if (f.ownerId) common.push(`owner_id = ${p(f.ownerId)}`);
    if (f.unassigned) common.push('owner_id IS NULL');
    if (f.q) {
      const text = `(title || ' ' || investor_name)`;
      const chars = [...f.q].length;
      if (f.qMode === 'fuzzy') {
        // Misspellings: word similarity (<%, pg_trgm.word_similarity_threshold, default 0.6).
        common.push(`${p(f.q)} <% ${text}`);
      } else if (chars === 2) {
        // Two characters: no trigram to look up; the character-pair index leads_search_bigram_idx
        // answers. `strpos` first: cheap, exact, and it keeps lc_bigrams off most rows when the
        // planner walks the id order for a common pair.
        const needle = p(f.q.toLowerCase());
        common.push(`strpos(lower(${text}), ${needle}) > 0`, `lc_bigrams(${text}) @> lc_bigrams(${needle})`);
      } else {
        // Substring, served by the trigram index leads_search_trgm_idx. Text without letter case
        // (Chinese) takes LIKE: the same result as ILIKE, without case-folding every row.
        const caseless = f.q.toLowerCase() === f.q.toUpperCase();
        const like = p(likePattern(f.q));
        common.push(`${text} ${caseless ? 'LIKE' : 'ILIKE'} ${like}`);
      }
    }
    const byUpdated = !!f.updatedSince || after?.mode === 'updated';
    if (f.updatedSince) common.push(`updated_at >= ${p(f.updatedSince)}::timestamptz`);
    if (after?.mode === 'id') common.push(`id > ${p(after.id)}::uuid`);
    if (after?.mode === 'updated')
      common.push(`(updated_at, id) > (${p(after.ts)}::timestamptz, ${p(after.id)}::uuid)`);

    const branches = visibilityBranches(visibilityOf(f), p);
    // A text search is a bitmap scan of the trigram index either way: one scan, not one per branch.
    if (f.q && branches.length === 2)
      branches.splice(0, 2, [`((${branches[0].join(' AND ')}) OR (${branches[1].join(' AND ')}))`]);
    if (!branches.length) return [];
    const order = byUpdated ? 'updated_at, id' : 'id';
    const lim = p(limit + 1);
    const select = (conds: string[]) =>
      `SELECT * FROM leads WHERE ${[...conds, ...common].join(' AND ')} ORDER BY ${order} LIMIT ${lim}`;
    const visible =
      branches.length === 1
        ? select(branches[0])
        : `(${select(branches[0])}) UNION ALL (${select(branches[1])})`;
    // Rendered only for the rows of the page (the projection runs below the outer LIMIT).
    const sql = `SELECT leads.id${byUpdated ? `, ${TS_KEY('leads.updated_at')} AS _key` : ''},
                        ${leadViewJsonSql(p(f.viewer))} AS view
                   FROM (${visible}) leads
                  ORDER BY ${order} LIMIT ${lim}`;
    return sqlRows(db, sql, params);
  }

  /** The timeline, newest first; keyset on (occurred_at DESC, id) matches activities_lead_idx. */
  listActivities(
    db: Db,
    leadId: string,
    after: { ts: string; id: string } | null,
    limit: number,
  ): Promise<ActivityRow[]> {
    const params: unknown[] = [leadId, limit + 1];
    let keyset = '';
    if (after) {
      params.push(after.ts, after.id);
      keyset = `AND (occurred_at < $3::timestamptz OR (occurred_at = $3::timestamptz AND id > $4::uuid))`;
    }
    return sqlRows<ActivityRow>(
      db,
      `SELECT a.*, ${TS_KEY('a.occurred_at')} AS _key,
              COALESCE(u.display_name, k.name) AS author_name
         FROM (SELECT * FROM activities
                WHERE lead_id = $1 ${keyset}
                ORDER BY occurred_at DESC, id ASC LIMIT $2) a
         LEFT JOIN users u ON u.id = a.author_id
         LEFT JOIN api_keys k ON k.id = a.author_key_id
        ORDER BY a.occurred_at DESC, a.id ASC`,
      params,
    );
  }

  /** The active users of a jurisdiction, by display name: who a manager may assign leads to. */
  assignees(
    db: Db,
    jurisdiction: Jurisdiction,
  ): Promise<{ id: string; username: string; displayName: string; role: string }[]> {
    return sqlRows(
      db,
      `SELECT id, username, display_name AS "displayName", role FROM users
        WHERE jurisdiction = $1 AND active ORDER BY display_name, username LIMIT 1000`,
      [jurisdiction],
    );
  }

  async isActiveUserOf(db: Db, userId: string, jurisdiction: Jurisdiction): Promise<boolean> {
    const row = await sqlOne(db, `SELECT 1 FROM users WHERE id = $1 AND jurisdiction = $2 AND active`, [
      userId,
      jurisdiction,
    ]);
    return !!row;
  }

  async enterpriseExists(db: Db, id: string): Promise<boolean> {
    const row = await sqlOne(db, `SELECT 1 FROM enterprises WHERE id = $1 AND deleted_at IS NULL`, [id]);
    return !!row;
  }
}
