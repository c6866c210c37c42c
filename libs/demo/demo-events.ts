import type { EntityManager } from 'typeorm';
import type { Jurisdiction } from '../common/request-context';
import { sqlRows } from '../db/sql';
import { recordUuid } from './random';

/**
 * Demo promotion events (DESIGN §16): past and upcoming events of each city and joint ones, with
 * invitees from the base data up and down their focus segments' chain, attendance for the past
 * ones, and the demo leads of source `event` they produced. Deterministic ids, inserted with
 * `ON CONFLICT DO NOTHING`: a second run creates nothing.
 */
const EVENT_SALT = 71;
const DAY = 86_400_000;

interface DemoEventSpec {
  title: string;
  kind: 'promotion' | 'matchmaking' | 'expo' | 'forum' | 'visit';
  hosts: Jurisdiction[];
  /** Days from now the event starts (negative: past). */
  offsetDays: number;
  hours: number;
  venue: string;
  city: string;
  focus: string[];
  budgetWan: number;
  summary: string;
}

export const DEMO_EVENTS: readonly DemoEventSpec[] = [
  {
    title: '绵阳—北碚新能源汽车产业链对接会',
    kind: 'matchmaking',
    hosts: ['beibei', 'mianyang'],
    offsetDays: -75,
    hours: 7,
    venue: '北碚区缙云山国际会议中心',
    city: '重庆',
    focus: ['nev.battery-cell', 'nev.battery-pack'],
    budgetWan: 60,
    summary: '两地联合举办，聚焦动力电池上下游配套，组织电芯、正负极材料和整车企业现场对接。',
  },
  {
    title: '北碚区智能传感器产业（深圳）推介会',
    kind: 'promotion',
    hosts: ['beibei'],
    offsetDays: -48,
    hours: 4,
    venue: '深圳会展中心 5 号馆会议室',
    city: '深圳',
    focus: ['ngit.sensors'],
    budgetWan: 35,
    summary: '面向珠三角传感器、芯片封测和终端企业推介北碚传感器特色产业基地。',
  },
  {
    title: '绵阳科技城新材料产业招商推介会',
    kind: 'promotion',
    hosts: ['mianyang'],
    offsetDays: -30,
    hours: 5,
    venue: '绵阳科博会展中心',
    city: '绵阳',
    focus: ['nmat.advanced-alloys', 'nmat.composites'],
    budgetWan: 40,
    summary: '推介先进合金、复合材料方向的重点园区和政策，邀请航空航天、轨道交通下游用户参会。',
  },
  {
    title: '成渝生物医药协同创新论坛',
    kind: 'forum',
    hosts: ['beibei', 'mianyang'],
    offsetDays: -12,
    hours: 6,
    venue: '北碚区西南大学国际学术交流中心',
    city: '重庆',
    focus: ['biomed.innovative-drugs'],
    budgetWan: 25,
    summary: '两地联合主办，邀请原料药、CRO、医疗器械企业交流协同创新和平台共享。',
  },
  {
    title: '北碚区高端装备企业赴绵阳考察',
    kind: 'visit',
    hosts: ['beibei'],
    offsetDays: 6,
    hours: 8,
    venue: '绵阳经开区',
    city: '绵阳',
    focus: ['hiequip.robots'],
    budgetWan: 8,
    summary: '组织北碚减速器、伺服和控制器企业赴绵阳考察整机和系统集成企业。',
  },
  {
    title: '中国（绵阳）科技城国际科技博览会 · 双城展区',
    kind: 'expo',
    hosts: ['mianyang'],
    offsetDays: 18,
    hours: 30,
    venue: '绵阳科博会展中心 A 馆',
    city: '绵阳',
    focus: ['ngit.display-panel', 'ngit.devices'],
    budgetWan: 120,
    summary: '科博会期间设立成渝双城展区，展示显示面板和智能终端产业链合作成果。',
  },
  {
    title: '双城新能源汽车零部件供需对接会（第二期）',
    kind: 'matchmaking',
    hosts: ['beibei', 'mianyang'],
    offsetDays: 40,
    hours: 6,
    venue: '绵阳—北碚特色产业合作园区',
    city: '绵阳',
    focus: ['nev.e-drive', 'nev.vehicle'],
    budgetWan: 45,
    summary: '第二期供需对接，聚焦电驱动、整车及零部件配套。',
  },
];

export async function seedEvents(em: EntityManager, seed: number, now: number): Promise<number> {
  let created = 0;
  for (const [i, spec] of DEMO_EVENTS.entries()) {
    const id = recordUuid(seed, EVENT_SALT, i);
    // Start at 09:30 Beijing time (01:30 UTC) on the day.
    const day = new Date(now + spec.offsetDays * DAY);
    const startsAt = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 1, 30));
    const endsAt = new Date(startsAt.getTime() + spec.hours * 3_600_000);
    const past = endsAt.getTime() < now;
    // Invitees: enterprises of both cities one chain edge up or down the focus segments, leaders first.
    const candidates = await sqlRows<{ id: string; name: string }>(
      em,
      `SELECT e.id, e.name FROM enterprises e
        WHERE e.deleted_at IS NULL
          AND e.segments && (SELECT coalesce(array_agg(DISTINCT s), '{}') FROM (
                SELECT from_segment AS s FROM chain_edges WHERE to_segment = ANY($1::text[])
                UNION SELECT to_segment FROM chain_edges WHERE from_segment = ANY($1::text[])) x
               WHERE NOT (s = ANY($1::text[])))
        ORDER BY e.chain_leader DESC, e.id LIMIT 12`,
      [spec.focus],
    );
    const statuses = past
      ? ['attended', 'attended', 'attended', 'declined']
      : ['registered', 'invited', 'invited'];
    const invitees: { enterpriseId: string | null; name: string; status: string }[] = candidates.map(
      (c, n) => ({
        enterpriseId: c.id,
        name: c.name,
        status: statuses[n % statuses.length],
      }),
    );
    if (past) invitees.push({ enterpriseId: null, name: '西南大学产业技术研究院', status: 'attended' });
    const rows = await sqlRows<{ id: string }>(
      em,
      `INSERT INTO promotion_events (id, title, kind, hosts, created_by_jurisdiction, starts_at, ends_at, venue, city,
                                     focus_segments, invitees, budget_wan, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        id,
        spec.title,
        spec.kind,
        spec.hosts,
        spec.hosts[0],
        startsAt.toISOString(),
        endsAt.toISOString(),
        spec.venue,
        spec.city,
        spec.focus,
        JSON.stringify(invitees),
        spec.budgetWan,
        spec.summary,
      ],
    );
    if (!rows.length) continue;
    created++;
    if (!past) continue;
    // The leads it produced: demo leads of source `event` of a host city, raised after it.
    await sqlRows(
      em,
      `UPDATE leads SET event_id = $1
        WHERE id IN (SELECT id FROM leads
                      WHERE source = 'event' AND event_id IS NULL AND jurisdiction = ANY($2::text[])
                        AND external_refs @> '[{"system":"demo"}]'
                      ORDER BY (created_at >= $3::timestamptz) DESC, id LIMIT 5)`,
      [id, spec.hosts, startsAt.toISOString()],
    );
  }
  return created;
}
