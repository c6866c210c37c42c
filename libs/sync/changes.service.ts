import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { fieldError } from '../common/errors';
import { JsonText, decodeCursor, encodeCursor } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { feedLag } from '../platform/metrics';
import { feedEntrySql, leadViewJsonSql } from '../leads/lead-policy';
import { Rendered, renderCurrent, refKey } from './entity-loader';
import { FEED_ENTITIES, FeedEntity } from './entity-views';

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 1000;

interface LogRow {
  seq: string;
  xid: string;
  entity: FeedEntity;
  entity_id: string;
  op: 'upsert' | 'delete';
  version: number;
  jurisdictions: string[];
}

const START: [string, string] = ['0', '0'];

/**
 * The feed's upper bound, from the statement's own snapshot: the oldest transaction still in
 * progress, ignoring transactions positively identified as running in ANOTHER database of the
 * cluster (they can never write this change log, yet the cluster-wide xmin would hold the feed
 * back for them, e.g. a long COPY elsewhere on a shared server). A transaction that finished
 * between the snapshot and the pg_stat_activity read is not identified, so it still bounds the
 * feed: the exclusion can only ever be conservative. Without any open transaction the bound is
 * the snapshot's xmax: every xid below it has committed or aborted.
 */
export const FEED_BOUND_CTE = `snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
  bound AS MATERIALIZED (
    SELECT LEAST(pg_snapshot_xmax(s), (
             SELECT min(x) FROM pg_snapshot_xip(s) AS x
              WHERE x::xid NOT IN (SELECT a.backend_xid FROM pg_stat_activity a
                                    WHERE a.backend_xid IS NOT NULL
                                      AND a.datname IS DISTINCT FROM current_database()))) AS xid
      FROM snap)`;

export function encodeFeedCursor(xid: string, seq: string): string {
  return encodeCursor([xid, seq]);
}

/** Decodes an opaque feed cursor; absent → the start of the feed; malformed → 400 naming `cursor`. */
export function decodeFeedCursor(cursor: string | undefined): [string, string] {
  const values = decodeCursor(cursor, 2);
  if (!values) return START;
  const [xid, seq] = values;
  if (
    typeof xid !== 'string' ||
    typeof seq !== 'string' ||
    !/^\d{1,20}$/.test(xid) ||
    !/^\d{1,19}$/.test(seq)
  ) {
    throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
  }
  return [xid, seq];
}

/** Parses `entities=lead,match`; unknown names → 400 naming `entities`. */
export function parseEntities(raw: string | undefined): FeedEntity[] | null {
  if (raw === undefined || raw.trim() === '') return null;
  const list = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = list.filter((e) => !(FEED_ENTITIES as readonly string[]).includes(e));
  if (unknown.length) {
    throw fieldError('entities', `unknown entity ${unknown.join(', ')}; use ${FEED_ENTITIES.join(', ')}`);
  }
  return list as FeedEntity[];
}

/**
 * The changes feed (DESIGN §11).
 *
 * Order and completeness: the change log is stamped by trigger with the writer's transaction id
 * and read in (xid, seq) order, but only below `pg_snapshot_xmin(pg_current_snapshot())`, the
 * oldest transaction still running, evaluated in the SAME statement that reads the rows. Every
 * xid below that bound has either committed (its rows are visible to this statement) or aborted
 * (its rows never will be), and every transaction that has not yet written will get a larger xid,
 * so nothing can later appear behind a cursor already handed out. A transaction that stays open
 * holds the feed back at its xid (feed lag) instead of letting its changes be skipped.
 *
 * Versions and data: there is one entry per logged version; `data` is the CURRENT row as the
 * caller may see it now (it can be newer than `version`; the latest entry for an id always carries
 * the data of that version or later). Changes the caller may not see (a private lead of the other
 * jurisdiction and its matches) are left out entirely; the cursor still moves past them. An
 * `upsert` whose record has since been deleted carries `data: null`; its `delete` entry follows.
 */
@Injectable()
export class ChangesService implements OnModuleInit, OnModuleDestroy {
  private lagTimer: NodeJS.Timeout | null = null;
  private lagMeasuredAt = 0;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  onModuleInit(): void {
    // Keep the gauge fresh for /metrics even when nobody reads the feed.
    this.lagTimer = setInterval(() => void this.measureLag().catch(() => undefined), 15_000);
    this.lagTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.lagTimer) clearInterval(this.lagTimer);
  }

  /**
   * One page, as the JSON text of the response body. Leads (nearly every entry of a busy feed)
   * are rendered by Postgres in the statement that reads the page (leadViewJsonSql: the same
   * masking as leadView; feedEntrySql decides view, tombstone or nothing, as feedEntry does) and
   * written out without being parsed; other entities go through renderCurrent.
   */
  async read(
    ctx: RequestContext,
    opts: { cursor?: string; limit?: number; entities?: string },
  ): Promise<JsonText> {
    const [xid, seq] = decodeFeedCursor(opts.cursor);
    const limit = opts.limit ?? FEED_DEFAULT_LIMIT;
    const entities = parseEntities(opts.entities);
    const rows = await sqlRows<
      LogRow & { lead_found: boolean | null; lead_entry: 'view' | 'tombstone' | null; lead_json: string | null }
    >(
      this.ds,
      `WITH ${FEED_BOUND_CTE},
       page AS MATERIALIZED (
         SELECT c.seq, c.xid, c.entity, c.entity_id, c.op, c.version, c.jurisdictions
           FROM change_log c
          WHERE c.xid < (SELECT xid FROM bound)
            AND (c.xid, c.seq) > ($1::xid8, $2::bigint)
            AND ($3::text[] IS NULL OR c.entity = ANY($3::text[]))
          ORDER BY c.xid, c.seq
          LIMIT $4)
       SELECT p.seq::text AS seq, p.xid::text AS xid, p.entity, p.entity_id, p.op, p.version, p.jurisdictions,
              l.id IS NOT NULL AS lead_found, l.entry AS lead_entry,
              CASE WHEN l.entry = 'view' THEN ${leadViewJsonSql('$5', 'l')} END AS lead_json
         FROM page p
         LEFT JOIN LATERAL (
           SELECT *, ${feedEntrySql('$5', 'l')} AS entry
             FROM leads l WHERE p.entity = 'lead' AND l.id = p.entity_id OFFSET 0) l ON true
        ORDER BY p.xid, p.seq`,
      [xid, seq, entities, limit + 1, ctx.jurisdiction],
    );
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const others = page.filter((r) => r.entity !== 'lead');
    const rendered = others.length
      ? await renderCurrent(
          this.ds,
          ctx.jurisdiction,
          others.map((r) => ({ entity: r.entity, id: r.entity_id, jurisdictions: r.jurisdictions })),
        )
      : new Map<string, Rendered>();
    const changes: string[] = [];
    for (const r of page) {
      let data: string;
      let op = r.op;
      if (r.entity === 'lead') {
        if (r.lead_found) {
          if (r.lead_entry === null) continue; // a lead the caller may not see: leave the change out
          // An archived lead is a tombstone for every reader (lead-policy feedEntry).
          if (r.lead_entry === 'tombstone') op = 'delete';
          data = op === 'delete' ? 'null' : r.lead_json!;
        } else {
          // Gone: a tombstone for the jurisdictions the change log recorded, nothing for others.
          if (!(r.jurisdictions ?? []).includes(ctx.jurisdiction)) continue;
          data = 'null';
        }
      } else {
        const view = rendered.get(refKey(r.entity, r.entity_id));
        if (!view?.visible) continue;
        data = r.op === 'delete' ? 'null' : JSON.stringify(view.data);
      }
      changes.push(
        `{"cursor":"${encodeFeedCursor(r.xid, r.seq)}","entity":"${r.entity}","id":"${r.entity_id}",` +
          `"op":"${op}","version":${Number(r.version)},"data":${data}}`,
      );
    }
    const last = page[page.length - 1];
    if (Date.now() - this.lagMeasuredAt > 1_000) void this.measureLag().catch(() => undefined);
    const nextCursor = last ? encodeFeedCursor(last.xid, last.seq) : encodeFeedCursor(xid, seq);
    return `{"changes":[${changes.join(',')}],"nextCursor":"${nextCursor}","hasMore":${hasMore}}` as JsonText;
  }

  /**
   * Feed lag: how long the oldest committed change has been held back because an older
   * transaction is still open (0 when nothing waits).
   */
  async measureLag(): Promise<number> {
    this.lagMeasuredAt = Date.now();
    const [row] = await sqlRows<{ lag: number }>(
      this.ds,
      `WITH ${FEED_BOUND_CTE}
       SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(changed_at)), 0)::float AS lag
         FROM change_log WHERE xid >= (SELECT xid FROM bound)`,
    );
    feedLag.set(row.lag);
    return row.lag;
  }
}
