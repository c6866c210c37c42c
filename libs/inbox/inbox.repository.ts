import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../db/sql';
import type { DueState } from './inbox.dto';

/** The two cities keep China Standard Time: "today" for a next action is a day there. */
const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
const DAY_OF = (col: string) => `(${col} AT TIME ZONE 'Asia/Shanghai')::date`;
/** Leads nobody works on any more have nothing due. */
const OPEN = `l.stage NOT IN ('lost', 'operating')`;

export interface InboxLeadRow {
  id: string;
  title: string;
  investorName: string;
  stage: string;
  plannedInvestmentWan: number;
  nextActionAt: string | null;
  updatedAt: string;
  due: DueState;
}

/**
 * What waits on one user (DESIGN §5 scoping: a user's own leads are of their jurisdiction; the
 * city's collisions, agreements and matches are those of the caller's jurisdiction).
 */
@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async myLeads(
    jurisdiction: string,
    userId: string,
    limit: number,
  ): Promise<{ overdue: number; dueToday: number; total: number; items: InboxLeadRow[] }> {
    const mine = `l.jurisdiction = $1 AND l.owner_id = $2::uuid AND l.stage <> 'lost'`;
    const [[counts], rows] = await Promise.all([
      sqlRows<{ overdue: number; today: number; total: number }>(
        this.ds,
        `SELECT count(*) FILTER (WHERE ${OPEN} AND ${DAY_OF('l.next_action_at')} < ${TODAY})::int AS overdue,
                count(*) FILTER (WHERE ${OPEN} AND ${DAY_OF('l.next_action_at')} = ${TODAY})::int AS today,
                count(*)::int AS total
           FROM leads l WHERE ${mine}`,
        [jurisdiction, userId],
      ),
      sqlRows<{
        id: string;
        title: string;
        investor_name: string;
        stage: string;
        wan: string;
        next_action_at: Date | null;
        updated_at: Date;
        due: DueState;
      }>(
        this.ds,
        `SELECT l.id, l.title, l.investor_name, l.stage, l.planned_investment_wan::text AS wan,
                l.next_action_at, l.updated_at,
                CASE WHEN l.next_action_at IS NULL OR NOT (${OPEN}) THEN 'none'
                     WHEN ${DAY_OF('l.next_action_at')} < ${TODAY} THEN 'overdue'
                     WHEN ${DAY_OF('l.next_action_at')} = ${TODAY} THEN 'today'
                     ELSE 'later' END AS due
           FROM leads l WHERE ${mine}
          ORDER BY (${OPEN}) DESC, l.next_action_at ASC NULLS LAST, l.updated_at DESC, l.id
          LIMIT $3`,
        [jurisdiction, userId, limit],
      ),
    ]);
    return {
      overdue: counts.overdue,
      dueToday: counts.today,
      total: counts.total,
      items: rows.map((r) => ({
        id: r.id,
        title: r.title,
        investorName: r.investor_name,
        stage: r.stage,
        plannedInvestmentWan: Number(r.wan),
        nextActionAt: r.next_action_at ? new Date(r.next_action_at).toISOString() : null,
        updatedAt: new Date(r.updated_at).toISOString(),
        due: r.due,
      })),
    };
  }

  /** Open collisions involving `jurisdiction`; with `ownerId`, only those on that user's leads. */
  async openCollisions(jurisdiction: string, ownerId?: string): Promise<number> {
    const [row] = await sqlRows<{ n: number }>(
      this.ds,
      `SELECT count(*)::int AS n FROM collisions c
        WHERE c.status = 'open' AND $1 = ANY (c.jurisdictions)
          AND ($2::uuid IS NULL OR EXISTS (
                SELECT 1 FROM leads l WHERE l.id = ANY (c.lead_ids) AND l.jurisdiction = $1 AND l.owner_id = $2))`,
      [jurisdiction, ownerId ?? null],
    );
    return row.n;
  }

  /** Pending agreements waiting on `jurisdiction`'s decision (DESIGN §14). */
  async agreementsWaiting(jurisdiction: string): Promise<number> {
    const [row] = await sqlRows<{ n: number }>(
      this.ds,
      `SELECT count(*)::int AS n FROM agreements WHERE status = 'pending' AND deciding_jurisdiction = $1`,
      [jurisdiction],
    );
    return row.n;
  }

  /** Proposed matches of `jurisdiction`'s leads; with `ownerId`, of that user's leads. */
  async proposedMatches(jurisdiction: string, ownerId?: string): Promise<number> {
    const [row] = await sqlRows<{ n: number }>(
      this.ds,
      `SELECT count(*)::int AS n FROM matches m JOIN leads l ON l.id = m.lead_id
        WHERE m.status = 'proposed' AND l.jurisdiction = $1 AND ($2::uuid IS NULL OR l.owner_id = $2)`,
      [jurisdiction, ownerId ?? null],
    );
    return row.n;
  }
}
