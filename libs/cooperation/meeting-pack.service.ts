import { cityDay } from '../common/city-time';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JURISDICTIONS, RequestContext } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { canSee, visibleTitle } from '../leads/lead-policy';
import type { LeadRow } from '../leads/lead-view';
import { PIPELINE_STAGES } from '../leads/lead-stage';
import { ACTION_FIELD_NAMES, ACTION_STATUS_NAMES, deadlineOf } from './action-item';
import { ActionItemRow, MeetingRow, toMeeting } from './cooperation-views';
import { MEETING_KIND_NAMES } from './meeting';
import { MeetingService } from './meeting.service';
import type { MeetingPack, PackEvent, PackItem } from './meeting-pack';

export const JURISDICTION_ZH: Record<Jurisdiction, string> = { beibei: '北碚区', mianyang: '绵阳市' };
export const STAGE_ZH: Record<string, string> = {
  lead: '线索',
  contacted: '接洽',
  visited: '考察',
  negotiating: '洽谈',
  signed: '签约',
  registered: '注册落地',
  started: '开工',
  operating: '投产',
};
const COLLISION_STATUS_ZH: Record<string, string> = {
  open: '待处理',
  joint: '联合招引',
  yielded: '一方让出',
  dismissed: '非撞单',
};
/** A meeting without a predecessor of its kind covers the half year before it (meetings are half-yearly). */
const DEFAULT_PERIOD_MONTHS = 6;
const TOP_SIGNED = 10;

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The meeting pack (会议材料, DESIGN §15): what the two cities did since the previous meeting of
 * the same kind, as one plain object that the page, the Word and the Excel files all render.
 * Figures of the partner city follow sharing: private leads count in the totals by city and
 * industry, never by name; confidential ones show their code name.
 */
@Injectable()
export class MeetingPackService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly meetings: MeetingService,
  ) {}

  async build(ctx: RequestContext, id: string): Promise<MeetingPack> {
    const viewer = ctx.jurisdiction;
    const meeting = await this.meetings.find(this.ds.manager, id);
    const to = new Date(meeting.held_at);
    const [previous] = await sqlRows<MeetingRow>(
      this.ds,
      `SELECT * FROM joint_meetings WHERE kind = $1 AND held_at < $2 ORDER BY held_at DESC, id LIMIT 1`,
      [meeting.kind, to],
    );
    const from = previous
      ? new Date(previous.held_at)
      : new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - DEFAULT_PERIOD_MONTHS, to.getUTCDate()));
    const industries = await sqlRows<{ code: string; name: string }>(
      this.ds,
      `SELECT code, name FROM industries ORDER BY sort, code`,
    );
    const industryName = new Map(industries.map((i) => [i.code, i.name]));
    const fromDay = cityDay(from);
    const toDay = cityDay(to);

    // Leads: new in the period, signed in the period, and the current funnel, all by city.
    const leads = await sqlRows<LeadRow>(
      this.ds,
      `SELECT id, title, jurisdiction, sharing, confidential, code_name, industries, stage, signed_at,
              contract_amount_wan, funds_in_place, created_at
         FROM leads
        WHERE (created_at > $1 AND created_at <= $2) OR (signed_at > $3::date AND signed_at <= $4::date)
           OR stage = ANY($5::text[])`,
      [from, to, fromDay, toDay, [...PIPELINE_STAGES]],
    );
    const firstIndustry = (l: LeadRow) => l.industries?.[0] ?? 'other';
    const zero = () => Object.fromEntries(JURISDICTIONS.map((j) => [j, 0])) as Record<Jurisdiction, number>;
    const newLeads = leads.filter((l) => new Date(l.created_at) > from && new Date(l.created_at) <= to);
    const signed = leads.filter((l) => l.signed_at && l.signed_at > fromDay && l.signed_at <= toDay);
    const funds = (l: LeadRow) =>
      round2((l.funds_in_place ?? []).reduce((s, e) => s + Number(e.amountWan), 0));

    const byIndustry = new Map<
      string,
      {
        newLeads: Record<Jurisdiction, number>;
        signed: Record<Jurisdiction, number>;
        amount: Record<Jurisdiction, number>;
        funds: Record<Jurisdiction, number>;
      }
    >();
    const row = (code: string) => {
      let r = byIndustry.get(code);
      if (!r) byIndustry.set(code, (r = { newLeads: zero(), signed: zero(), amount: zero(), funds: zero() }));
      return r;
    };
    for (const l of newLeads) row(firstIndustry(l)).newLeads[l.jurisdiction as Jurisdiction]++;
    for (const l of signed) {
      const r = row(firstIndustry(l));
      const j = l.jurisdiction as Jurisdiction;
      r.signed[j]++;
      r.amount[j] = round2(r.amount[j] + Number(l.contract_amount_wan ?? 0));
      r.funds[j] = round2(r.funds[j] + funds(l));
    }
    const industryRows = [...byIndustry.entries()]
      .sort(
        ([a], [b]) => industries.findIndex((i) => i.code === a) - industries.findIndex((i) => i.code === b),
      )
      .map(([code, r]) => ({ industry: code, industryName: industryName.get(code) ?? '其他', ...r }));

    const funnel = PIPELINE_STAGES.map((stage) => {
      const counts = zero();
      for (const l of leads) if (l.stage === stage) counts[l.jurisdiction as Jurisdiction]++;
      return { stage, stageName: STAGE_ZH[stage] ?? stage, ...counts };
    });

    const topSigned = signed
      .filter((l) => canSee(l, viewer))
      .sort((a, b) => Number(b.contract_amount_wan ?? 0) - Number(a.contract_amount_wan ?? 0))
      .slice(0, TOP_SIGNED)
      .map((l) => ({
        leadId: l.id,
        title: visibleTitle(l, viewer),
        jurisdiction: l.jurisdiction as Jurisdiction,
        industryName: industryName.get(firstIndustry(l)) ?? '其他',
        signedAt: l.signed_at!,
        contractAmountWan: Number(l.contract_amount_wan ?? 0),
        fundsInPlaceWan: funds(l),
      }));

    const matches = await sqlRows<{ jurisdiction: Jurisdiction; kind: 'partner' | 'park'; n: number }>(
      this.ds,
      `SELECT l.jurisdiction, m.kind, count(*)::int AS n FROM matches m JOIN leads l ON l.id = m.lead_id
        WHERE m.status = 'accepted' AND m.decided_at > $1 AND m.decided_at <= $2
        GROUP BY l.jurisdiction, m.kind`,
      [from, to],
    );
    const collisions = await sqlRows<{ status: string; n: number }>(
      this.ds,
      `SELECT status, count(*)::int AS n FROM collisions
        WHERE created_at > $1 AND created_at <= $2 GROUP BY status ORDER BY status`,
      [from, to],
    );

    const items = await sqlRows<ActionItemRow>(this.ds, `SELECT * FROM action_items ORDER BY code, id`);
    const today = cityDay();
    const packItem = (r: ActionItemRow): PackItem => ({
      id: r.id,
      code: r.code,
      title: r.title,
      fieldName: ACTION_FIELD_NAMES[r.field]?.zh ?? r.field,
      units: r.units.map((u) => u.unit).join('、'),
      dueAt: r.due_at,
      statusName: ACTION_STATUS_NAMES[r.status],
      progress: r.progress,
    });
    // Done in the period: the day of the report that completed it (its last one).
    const lastReports = await sqlRows<{ item_id: string; at: Date }>(
      this.ds,
      `SELECT item_id, max(reported_at) AS at FROM action_item_reports GROUP BY item_id`,
    );
    const doneAt = new Map(lastReports.map((r) => [r.item_id, new Date(r.at)]));
    const done = items.filter((r) => {
      const at = doneAt.get(r.id) ?? new Date(r.updated_at);
      return r.status === 'done' && at > from && at <= to;
    });
    const overdue = items.filter(
      (r) => deadlineOf({ dueAt: r.due_at, status: r.status }, today) === 'overdue',
    );
    const atRisk = items.filter(
      (r) => deadlineOf({ dueAt: r.due_at, status: r.status }, today) === 'at_risk',
    );
    const linkedEvents = new Set(items.flatMap((r) => r.event_ids));
    // Events held in the period and what they brought: counts only, for both cities (§16).
    const held = await sqlRows<Omit<PackEvent, 'contractAmountWan'> & { amount: string }>(
      this.ds,
      `SELECT e.id, e.title, e.hosts, to_char(e.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
              count(l.id)::int AS leads, count(l.id) FILTER (WHERE l.signed_at IS NOT NULL)::int AS signed,
              COALESCE(sum(l.contract_amount_wan) FILTER (WHERE l.signed_at IS NOT NULL), 0) AS amount
         FROM promotion_events e
         LEFT JOIN leads l ON l.event_id = e.id AND l.archived_at IS NULL
        WHERE e.starts_at > $1 AND e.starts_at <= $2
        GROUP BY e.id ORDER BY e.starts_at, e.id`,
      [from, to],
    );
    const itemById = new Map(items.map((r) => [r.id, r]));

    const sum = (f: (r: (typeof industryRows)[number]) => Record<Jurisdiction, number>) => {
      const out = zero();
      for (const r of industryRows) for (const j of JURISDICTIONS) out[j] = round2(out[j] + f(r)[j]);
      return out;
    };

    return {
      meeting: toMeeting(meeting),
      kindName: MEETING_KIND_NAMES[meeting.kind],
      viewer,
      period: { from: from.toISOString(), to: to.toISOString(), fromDay, toDay },
      previousMeeting: previous
        ? { id: previous.id, heldAt: new Date(previous.held_at).toISOString(), title: previous.title }
        : null,
      totals: {
        newLeads: sum((r) => r.newLeads),
        signed: sum((r) => r.signed),
        contractAmountWan: sum((r) => r.amount),
        fundsInPlaceWan: sum((r) => r.funds),
        matchesAccepted: Object.fromEntries(
          JURISDICTIONS.map((j) => [
            j,
            matches.filter((m) => m.jurisdiction === j).reduce((s, m) => s + m.n, 0),
          ]),
        ) as Record<Jurisdiction, number>,
        collisions: collisions.reduce((s, c) => s + c.n, 0),
      },
      byIndustry: industryRows,
      funnel,
      topSigned,
      matchesAccepted: JURISDICTIONS.map((j) => ({
        jurisdiction: j,
        partner: matches.find((m) => m.jurisdiction === j && m.kind === 'partner')?.n ?? 0,
        park: matches.find((m) => m.jurisdiction === j && m.kind === 'park')?.n ?? 0,
      })),
      collisions: collisions.map((c) => ({
        status: c.status,
        statusName: COLLISION_STATUS_ZH[c.status] ?? c.status,
        count: c.n,
      })),
      events: {
        linkedToItems: linkedEvents.size,
        held: held.map(({ amount, ...e }) => ({ ...e, contractAmountWan: round2(Number(amount)) })),
      },
      actionItems: {
        total: items.length,
        done: done.map(packItem),
        overdue: overdue.map(packItem),
        atRisk: atRisk.map(packItem),
      },
      previousDecisions: (previous?.decisions ?? []).map((d) => {
        const item = d.actionItemId ? itemById.get(d.actionItemId) : undefined;
        return { text: d.text, item: item ? packItem(item) : null };
      }),
    };
  }
}
