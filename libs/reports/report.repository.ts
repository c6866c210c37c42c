import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Jurisdiction } from '../common/request-context';
import { sqlParams, sqlRows } from '../db/sql';
import { listedSql } from '../leads/lead-policy';
import { fundsTotalSql } from '../leads/lead-view';
import { GroupKey, STAGE_ORDER } from './report.dto';

export interface PipelineFilter {
  /** The caller's jurisdiction: it sees its own leads and the partner's shared ones (DESIGN §5). */
  viewer: string;
  jurisdiction?: string;
  industry?: string;
  stage?: string;
  ownerId?: string;
  /** Leads first reported on these days (China Standard Time, both included). */
  from?: string;
  to?: string;
}

/** Calendar days in China Standard Time, both included. */
export interface Period {
  from?: string;
  to?: string;
}

/** `col` (timestamptz) falls on or after day `$n` / before the day after `$n`, in China Standard Time. */
const fromSql = (col: string, param: string) =>
  `${col} >= (${param}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
const toSql = (col: string, param: string) =>
  `${col} < ((${param}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

export interface PipelineRow {
  jurisdiction?: Jurisdiction;
  industry?: string;
  stage?: string;
  leads: number;
  plannedInvestmentWan: number;
  /** 签约额: the sum of the contract amounts (万元). */
  contractAmountWan: number;
  /** 到位资金: the sum of the funds in place (万元). */
  fundsInPlaceWan: number;
}

export interface DealRow {
  jurisdiction: Jurisdiction;
  signedLeads: number;
  contractAmountWan: number;
  fundsInPlaceWan: number;
}

/** The money columns every pipeline figure carries (DESIGN §6, §15). */
const MONEY_SQL = `coalesce(sum(l.planned_investment_wan), 0)::text AS wan,
  coalesce(sum(l.contract_amount_wan), 0)::text AS contract,
  coalesce(sum(${fundsTotalSql('l')}), 0)::text AS funds`;

const GROUP_EXPR: Record<GroupKey, { select: string; order: string }> = {
  jurisdiction: { select: 'l.jurisdiction', order: 'l.jurisdiction' },
  industry: { select: 'ind.industry', order: 'ind.industry' },
  // constants, not input: safe to inline
  stage: {
    select: 'l.stage',
    order: `array_position(ARRAY[${STAGE_ORDER.map((s) => `'${s}'`).join(',')}], l.stage)`,
  },
};

/** Aggregates over leads for the pipeline report and the dashboard. */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Counts and planned investment per group. Grouping by industry unnests `leads.industries`, so
   * a lead of several industries counts once in each; the totals count every lead once.
   */
  async pipeline(
    f: PipelineFilter,
    groupBy: GroupKey[],
  ): Promise<{ groups: PipelineRow[]; totals: Omit<PipelineRow, GroupKey> }> {
    const { params, p } = sqlParams([f.viewer]);
    const where = [listedSql('$1', 'l')];
    if (f.jurisdiction) where.push(`l.jurisdiction = ${p(f.jurisdiction)}`);
    if (f.stage) where.push(`l.stage = ${p(f.stage)}`);
    if (f.ownerId) where.push(`l.owner_id = ${p(f.ownerId)}::uuid`);
    if (f.from) where.push(fromSql('l.created_at', p(f.from)));
    if (f.to) where.push(toSql('l.created_at', p(f.to)));
    const industryParam = f.industry ? p(f.industry) : null;
    if (industryParam) where.push(`l.industries @> ARRAY[${industryParam}]::text[]`);
    const byIndustry = groupBy.includes('industry');
    const groupWhere = [...where];
    if (byIndustry && industryParam) groupWhere.push(`ind.industry = ${industryParam}`);

    const selects = groupBy.map((k) => `${GROUP_EXPR[k].select} AS "${k}"`);
    const groupSql = `
      SELECT ${[...selects, 'count(*)::int AS leads', MONEY_SQL].join(', ')}
        FROM leads l ${byIndustry ? 'CROSS JOIN LATERAL unnest(l.industries) AS ind(industry)' : ''}
       WHERE ${groupWhere.join(' AND ')}
       ${groupBy.length ? `GROUP BY ${groupBy.map((k) => GROUP_EXPR[k].select).join(', ')}` : ''}
       ${groupBy.length ? `ORDER BY ${groupBy.map((k) => GROUP_EXPR[k].order).join(', ')}` : ''}`;
    const totalsSql = `
      SELECT count(*)::int AS leads, ${MONEY_SQL}
        FROM leads l WHERE ${where.join(' AND ')}`;
    type Sums = { leads: number; wan: string; contract: string; funds: string };
    const [groups, [totals]] = await Promise.all([
      sqlRows<Record<string, unknown> & Sums>(this.ds, groupSql, params),
      sqlRows<Sums>(this.ds, totalsSql, params),
    ]);
    const figures = (g: Sums) => ({
      leads: g.leads,
      plannedInvestmentWan: Number(g.wan),
      contractAmountWan: Number(g.contract),
      fundsInPlaceWan: Number(g.funds),
    });
    return {
      groups: groups
        .filter((g) => !(groupBy.length === 0 && g.leads === 0))
        .map((g) => {
          const row: PipelineRow = figures(g);
          for (const k of groupBy) (row as unknown as Record<string, unknown>)[k] = g[k];
          return row;
        }),
      totals: figures(totals),
    };
  }

  /**
   * Signed deals (DESIGN §6: 签约 with its contract amount, 到位资金) per jurisdiction, over the
   * leads `viewer` may see: its own and the partner's shared ones. A lead lost after signing no
   * longer counts. With a period: the leads signed on its days, and the funds that arrived on its
   * days (of any signed lead).
   */
  async deals(viewer: string, ownerId?: string, period: Period = {}): Promise<DealRow[]> {
    const from = period.from ?? null;
    const to = period.to ?? null;
    const inPeriod = (day: string) =>
      `($3::date IS NULL OR ${day} >= $3::date) AND ($4::date IS NULL OR ${day} <= $4::date)`;
    const rows = await sqlRows<{ jurisdiction: Jurisdiction; n: number; contract: string; funds: string }>(
      this.ds,
      `SELECT l.jurisdiction,
              count(*) FILTER (WHERE ${inPeriod('l.signed_at')})::int AS n,
              coalesce(sum(l.contract_amount_wan) FILTER (WHERE ${inPeriod('l.signed_at')}), 0)::text AS contract,
              coalesce(sum(CASE WHEN $3::date IS NULL AND $4::date IS NULL THEN ${fundsTotalSql('l')} ELSE (
                SELECT coalesce(sum((e->>'amountWan')::numeric), 0) FROM jsonb_array_elements(l.funds_in_place) e
                 WHERE ${inPeriod("(e->>'at')::date")}) END), 0)::text AS funds
         FROM leads l
        WHERE ${listedSql('$1', 'l')} AND l.signed_at IS NOT NULL AND l.stage <> 'lost'
          AND ($2::uuid IS NULL OR l.owner_id = $2)
        GROUP BY l.jurisdiction ORDER BY l.jurisdiction`,
      [viewer, ownerId ?? null, from, to],
    );
    return rows.map((r) => ({
      jurisdiction: r.jurisdiction,
      signedLeads: r.n,
      contractAmountWan: Number(r.contract),
      fundsInPlaceWan: Number(r.funds),
    }));
  }

  async matchCounts(viewer: string, ownerId?: string): Promise<Record<string, number>> {
    const rows = await sqlRows<{ status: string; n: number }>(
      this.ds,
      `SELECT m.status, count(*)::int AS n
         FROM matches m JOIN leads l ON l.id = m.lead_id
        WHERE l.jurisdiction = $1 AND ($2::uuid IS NULL OR l.owner_id = $2)
        GROUP BY m.status`,
      [viewer, ownerId ?? null],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async openCollisions(viewer: string, ownerId?: string): Promise<number> {
    const [row] = await sqlRows<{ n: number }>(
      this.ds,
      `SELECT count(*)::int AS n FROM collisions c
        WHERE c.status = 'open' AND $1 = ANY (c.jurisdictions)
          AND ($2::uuid IS NULL OR EXISTS (
                SELECT 1 FROM leads l WHERE l.id = ANY (c.lead_ids) AND l.jurisdiction = $1 AND l.owner_id = $2))`,
      [viewer, ownerId ?? null],
    );
    return row.n;
  }
}
