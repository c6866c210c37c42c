import type { Jurisdiction } from '../common/request-context';
import type { MeetingDto } from './cooperation.dto';

/** One action item as the pack lists it. */
export interface PackItem {
  id: string;
  code: string;
  title: string;
  fieldName: string;
  units: string;
  dueAt: string;
  statusName: string;
  progress: number;
}

export type ByCity = Record<Jurisdiction, number>;

/**
 * The meeting pack (DESIGN §15) as plain data: the page shows it, the Word and Excel renderers
 * write it out. Everything here is already cut to what the reading city may see.
 */
export interface MeetingPack {
  meeting: MeetingDto;
  kindName: string;
  viewer: Jurisdiction;
  period: { from: string; to: string; fromDay: string; toDay: string };
  previousMeeting: { id: string; heldAt: string; title: string | null } | null;
  totals: {
    newLeads: ByCity;
    signed: ByCity;
    contractAmountWan: ByCity;
    fundsInPlaceWan: ByCity;
    matchesAccepted: ByCity;
    collisions: number;
  };
  byIndustry: {
    industry: string;
    industryName: string;
    newLeads: ByCity;
    signed: ByCity;
    amount: ByCity;
    funds: ByCity;
  }[];
  funnel: ({ stage: string; stageName: string } & ByCity)[];
  topSigned: {
    leadId: string;
    title: string;
    jurisdiction: Jurisdiction;
    industryName: string;
    signedAt: string;
    contractAmountWan: number;
    fundsInPlaceWan: number;
  }[];
  matchesAccepted: { jurisdiction: Jurisdiction; partner: number; park: number }[];
  collisions: { status: string; statusName: string; count: number }[];
  events: {
    linkedToItems: number;
    /** Promotion events held in the period (DESIGN §16), with the leads each raised. */
    held: PackEvent[];
  };
  actionItems: { total: number; done: PackItem[]; overdue: PackItem[]; atRisk: PackItem[] };
  previousDecisions: { text: string; item: PackItem | null }[];
}

export interface PackEvent {
  id: string;
  title: string;
  hosts: Jurisdiction[];
  day: string;
  /** Leads raised at the event (counted for both cities; never named here). */
  leads: number;
  signed: number;
  contractAmountWan: number;
}

export const CITY_ZH: Record<Jurisdiction, string> = { beibei: '北碚区', mianyang: '绵阳市' };

/** A day `YYYY-MM-DD` as 2026年6月18日. */
export function chineseDay(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** 万元 with two decimals at most, grouped: 12,345.6 */
export function wan(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The pack's sections: a heading and its table (header row, body rows), in the order of §15. */
export interface PackTable {
  heading: string;
  note?: string;
  header: string[];
  rows: (string | number)[][];
}

export function packTables(p: MeetingPack): PackTable[] {
  const cities: Jurisdiction[] = ['beibei', 'mianyang'];
  const itemRows = (list: PackItem[]) =>
    list.map((i) => [i.code, i.title, i.fieldName, i.units, i.dueAt, i.statusName, `${i.progress}%`]);
  const itemHeader = ['编号', '事项', '领域', '责任单位', '完成时限', '状态', '进度'];
  return [
    {
      heading: '一、总体情况',
      header: ['指标', '北碚区', '绵阳市', '合计'],
      rows: [
        [
          '新增线索（个）',
          ...cities.map((c) => p.totals.newLeads[c]),
          p.totals.newLeads.beibei + p.totals.newLeads.mianyang,
        ],
        [
          '签约项目（个）',
          ...cities.map((c) => p.totals.signed[c]),
          p.totals.signed.beibei + p.totals.signed.mianyang,
        ],
        [
          '签约额（万元）',
          ...cities.map((c) => wan(p.totals.contractAmountWan[c])),
          wan(p.totals.contractAmountWan.beibei + p.totals.contractAmountWan.mianyang),
        ],
        [
          '到位资金（万元）',
          ...cities.map((c) => wan(p.totals.fundsInPlaceWan[c])),
          wan(p.totals.fundsInPlaceWan.beibei + p.totals.fundsInPlaceWan.mianyang),
        ],
        [
          '采纳的匹配（条）',
          ...cities.map((c) => p.totals.matchesAccepted[c]),
          p.totals.matchesAccepted.beibei + p.totals.matchesAccepted.mianyang,
        ],
      ],
    },
    {
      heading: '二、分产业新增线索与签约情况',
      note: '含未共享线索，仅按地区汇总，不列名称。',
      header: [
        '产业',
        '新增线索·北碚',
        '新增线索·绵阳',
        '签约·北碚',
        '签约·绵阳',
        '签约额·北碚（万元）',
        '签约额·绵阳（万元）',
        '到位资金·北碚（万元）',
        '到位资金·绵阳（万元）',
      ],
      rows: p.byIndustry.map((r) => [
        r.industryName,
        r.newLeads.beibei,
        r.newLeads.mianyang,
        r.signed.beibei,
        r.signed.mianyang,
        wan(r.amount.beibei),
        wan(r.amount.mianyang),
        wan(r.funds.beibei),
        wan(r.funds.mianyang),
      ]),
    },
    {
      heading: '三、招商漏斗（当前在谈项目）',
      header: ['阶段', '北碚区', '绵阳市'],
      rows: p.funnel.map((f) => [f.stageName, f.beibei, f.mianyang]),
    },
    {
      heading: '四、重大签约项目',
      note: '仅列本市项目及对方已共享的项目；保密项目以代号显示。',
      header: ['项目', '地区', '产业', '签约日期', '签约额（万元）', '到位资金（万元）'],
      rows: p.topSigned.map((t) => [
        t.title,
        CITY_ZH[t.jurisdiction],
        t.industryName,
        t.signedAt,
        wan(t.contractAmountWan),
        wan(t.fundsInPlaceWan),
      ]),
    },
    {
      heading: '五、产业链匹配采纳情况',
      header: ['地区', '对方企业匹配（条）', '园区匹配（条）'],
      rows: p.matchesAccepted.map((m) => [CITY_ZH[m.jurisdiction], m.partner, m.park]),
    },
    {
      heading: '六、撞单及处理情况',
      header: ['处理结果', '数量'],
      rows: p.collisions.map((c) => [c.statusName, c.count]),
    },
    {
      heading: '七、联合推介活动',
      header: ['活动', '主办', '日期', '带来线索（条）', '其中签约（个）', '签约额（万元）'],
      rows: [
        ...p.events.held.map((e) => [
          e.title,
          e.hosts.map((h) => CITY_ZH[h]).join('、'),
          e.day,
          e.leads,
          e.signed,
          wan(e.contractAmountWan),
        ]),
        [
          `合计 ${p.events.held.length} 场（与行动事项关联 ${p.events.linkedToItems} 场）`,
          '',
          '',
          p.events.held.reduce((s, e) => s + e.leads, 0),
          p.events.held.reduce((s, e) => s + e.signed, 0),
          wan(p.events.held.reduce((s, e) => s + e.contractAmountWan, 0)),
        ],
      ],
    },
    { heading: '八、已完成的行动事项', header: itemHeader, rows: itemRows(p.actionItems.done) },
    { heading: '九、逾期的行动事项', header: itemHeader, rows: itemRows(p.actionItems.overdue) },
    { heading: '十、临期（30天内到期）的行动事项', header: itemHeader, rows: itemRows(p.actionItems.atRisk) },
    {
      heading: '十一、上次会议议定事项落实情况',
      header: ['议定事项', '行动事项', '责任单位', '状态', '进度'],
      rows: p.previousDecisions.map((d) => [
        d.text,
        d.item ? `${d.item.code} ${d.item.title}` : '未形成行动事项',
        d.item?.units ?? '',
        d.item?.statusName ?? '',
        d.item ? `${d.item.progress}%` : '',
      ]),
    },
  ];
}
