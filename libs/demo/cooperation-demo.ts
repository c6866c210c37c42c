import { createHash } from 'crypto';
import type { EntityManager } from 'typeorm';
import type { ActionField, ActionStatus, ActionUnit } from '../cooperation/action-item';
import { afterReport } from '../cooperation/action-item';
import type { MeetingDecision } from '../cooperation/meeting';
import type { Jurisdiction } from '../common/request-context';
import { sqlRows } from '../db/sql';

/**
 * The demo's cooperation mechanism (DESIGN §15), modelled on the agreement between Beibei and
 * Mianyang: the three-year action plan with its responsibility list of 44 items in the fields the
 * agreement names, ten key tasks for this year, progress reported by both cities (some items
 * overdue), and two past meetings of the leading group with their decisions.
 *
 * Ids are derived from names, and rows are inserted with ON CONFLICT DO NOTHING: a second seed
 * creates nothing and keeps what people changed.
 */
export function demoUuid(name: string): string {
  const h = createHash('sha1').update(`liancheng-demo:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const UNITS: Record<string, [string, string]> = {
  invest: ['北碚区招商投资促进局', '绵阳市经济合作局'],
  dev: ['北碚区发展改革委', '绵阳市发展和改革委员会'],
  econ: ['北碚区经济信息委', '绵阳市经济和信息化局'],
  sci: ['北碚区科技局', '绵阳市科学技术局'],
  eco: ['北碚区生态环境局', '绵阳市生态环境局'],
  pub: ['北碚区委宣传部', '绵阳市委宣传部'],
  park: ['重庆高新区歇马拓展园管委会', '绵阳高新技术产业开发区管委会'],
  edu: ['北碚区教委', '绵阳市教育和体育局'],
};

/** [code, field, title, units, due in months from the plan's start, key task of this year] */
type Row = [string, ActionField, string, keyof typeof UNITS, number, boolean?];
const ITEMS: Row[] = [
  ['1.1', 'industry_investment', '建立产业协同招商领导小组及联席会议制度', 'invest', 3],
  ['1.2', 'industry_investment', '互通共用招商引资基础数据信息', 'invest', 9],
  ['1.3', 'industry_investment', '联合开展新一代信息技术产业链招商研究', 'invest', 12],
  ['1.4', 'industry_investment', '协同开展新能源与智能网联汽车关键零部件双向集群招商', 'invest', 18, true],
  ['1.5', 'industry_investment', '共同编制重点产业链招商图谱和目标企业清单', 'econ', 14, true],
  ['1.6', 'industry_investment', '联合引进生物医药领域重大项目', 'invest', 30],
  ['1.7', 'industry_investment', '推动传感器及智能终端产业链延伸配套', 'econ', 20, true],
  ['1.8', 'industry_investment', '建立撞单协调和首报首谈工作规则', 'invest', 6],
  ['1.9', 'industry_investment', '共同开展高端装备制造产业链互补招商', 'invest', 33],
  ['2.1', 'park_building', '共建绵阳—北碚特色产业合作园区', 'park', 24, true],
  ['2.2', 'park_building', '编制合作园区总体规划和产业布局方案', 'park', 10],
  ['2.3', 'park_building', '建设合作园区标准厂房一期', 'park', 20, true],
  ['2.4', 'park_building', '建立园区利益共享和统计分算机制', 'dev', 16],
  ['2.5', 'park_building', '推动重庆高新区歇马拓展园与中国科技城园区结对', 'park', 26],
  ['2.6', 'park_building', '合作园区招商政策互认', 'invest', 34],
  ['3.1', 'platform_sharing', '共同举办两地合作品牌招商推介活动', 'invest', 12],
  ['3.2', 'platform_sharing', '相互支持举办专题性投资促进配套活动', 'invest', 21, true],
  ['3.3', 'platform_sharing', '共享两江新区、自贸试验区开放平台资源', 'dev', 28],
  ['3.4', 'platform_sharing', '共建链城招商协同信息平台', 'invest', 17, true],
  ['3.5', 'platform_sharing', '共同组织参加西洽会、科博会等重大展会', 'invest', 32],
  ['4.1', 'science_education', '实施科教创新优势互补行动', 'sci', 15, true],
  ['4.2', 'science_education', '深化成渝地区高校联盟合作', 'edu', 22],
  ['4.3', 'science_education', '推动校（院）地、校（院）企合作项目对接', 'sci', 19],
  ['4.4', 'science_education', '共建重庆市工业互联网生态产业园创新平台', 'sci', 30],
  ['4.5', 'science_education', '科技成果在两地转移转化', 'sci', 27],
  ['4.6', 'science_education', '联合培养产业技术人才', 'edu', 35],
  ['5.1', 'major_strategy', '实施两地重大战略协同行动，加强规划对接', 'dev', 8],
  ['5.2', 'major_strategy', '共同推动渝遂绵经济发展带建设', 'dev', 23, true],
  ['5.3', 'major_strategy', '共建双城经济圈“黄金三角”，衔接成德绵乐、渝泸宜经济带', 'dev', 34],
  ['5.4', 'major_strategy', '共同对上争取重大项目和政策支持', 'dev', 16],
  ['5.5', 'major_strategy', '完善两地发展改革部门常态化沟通协调机制', 'dev', 5],
  ['6.1', 'ecology', '组建生态环境保护协同发展推进工作领导小组', 'eco', 4],
  ['6.2', 'ecology', '建立定期会商和工作通报机制', 'eco', 7],
  ['6.3', 'ecology', '建立企业环境信用评价信息共享互认机制', 'eco', 18, true],
  ['6.4', 'ecology', '共建生态环境专家库平台', 'eco', 21],
  ['6.5', 'ecology', '推进大气、水、土壤等污染联防联治', 'eco', 30],
  ['6.6', 'ecology', '开展节能环保产业投融资和技术合作', 'eco', 33],
  ['7.1', 'promotion', '宣传推介两地城市形象和双城经济圈建设', 'pub', 11],
  ['7.2', 'promotion', '开展媒体采访互动和版面互换', 'pub', 19],
  ['7.3', 'promotion', '共用两地新媒体宣传平台', 'pub', 25],
  ['7.4', 'promotion', '联合发布两地投资环境白皮书', 'pub', 29],
  ['8.1', 'other', '完善职能部门、园城管委会、街镇层面工作协调机制', 'dev', 9],
  ['8.2', 'other', '推动两地政务服务“跨省通办”', 'dev', 24],
  ['8.3', 'other', '建立干部互派挂职交流机制', 'dev', 20],
];

const FIELD_OVERDUE_NOTE: Record<string, string> = {
  park_building: '受用地报批进度影响，进度滞后',
  industry_investment: '目标企业投资决策推迟',
};

interface Clock {
  now: number;
  year: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addMonths = (from: string, months: number) => {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return dayOf(d.getTime());
};

export interface CooperationSeedResult {
  plans: number;
  items: number;
  meetings: number;
}

/** Seeds the plan, its items with their reports, and two past leading-group meetings. */
export async function seedCooperation(em: EntityManager, now: number): Promise<CooperationSeedResult> {
  const clock: Clock = { now, year: new Date(now).getUTCFullYear() };
  const today = dayOf(now);
  const periodFrom = `${clock.year - 1}-05-01`;
  const periodTo = `${clock.year + 2}-04-30`;
  const planId = demoUuid('plan');
  const plans = await sqlRows(
    em,
    `INSERT INTO action_plans (id, title, period_from, period_to, created_by_jurisdiction)
     VALUES ($1, $2, $3, $4, 'beibei') ON CONFLICT DO NOTHING RETURNING id`,
    [
      planId,
      `绵阳市人民政府 北碚区人民政府推动成渝地区双城经济圈建设合作三年行动计划（${clock.year - 1}—${clock.year + 2}年）`,
      periodFrom,
      periodTo,
    ],
  );

  // Two past meetings of the leading group (half-yearly), their decisions; some became items.
  const meetings: {
    id: string;
    title: string;
    heldAt: string;
    host: string;
    place: string;
    decisions: string[];
  }[] = [
    {
      id: demoUuid('meeting-1'),
      title: '产业协同招商领导小组第一次联席会议',
      heldAt: new Date(now - 330 * 86_400_000).toISOString(),
      host: '北碚区人民政府',
      place: '北碚区行政中心',
      decisions: [
        '共同编制重点产业链招商图谱和目标企业清单',
        '建立撞单协调和首报首谈工作规则',
        '研究设立联合招商引导基金',
      ],
    },
    {
      id: demoUuid('meeting-2'),
      title: '产业协同招商领导小组第二次联席会议',
      heldAt: new Date(now - 150 * 86_400_000).toISOString(),
      host: '绵阳市人民政府',
      place: '绵阳市科技城会展中心',
      decisions: [
        '加快合作园区标准厂房一期建设，年内竣工',
        '下半年联合举办新能源汽车产业链对接会',
        '共建链城招商协同信息平台并上线运行',
      ],
    },
  ];
  const itemFromDecision: Record<string, [string, number]> = {
    '1.5': [meetings[0].id, 0],
    '1.8': [meetings[0].id, 1],
    '2.3': [meetings[1].id, 0],
    '3.4': [meetings[1].id, 2],
  };
  let createdMeetings = 0;
  for (const m of meetings) {
    const decisions: MeetingDecision[] = m.decisions.map((text, i) => {
      const code = Object.entries(itemFromDecision).find(([, [mid, idx]]) => mid === m.id && idx === i)?.[0];
      return { text, actionItemId: code ? demoUuid(`item-${code}`) : null };
    });
    const inserted = await sqlRows(
      em,
      `INSERT INTO joint_meetings (id, kind, title, held_at, place, host, attendees, agenda, decisions, created_by_jurisdiction)
       VALUES ($1, 'leading_group', $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT DO NOTHING RETURNING id`,
      [
        m.id,
        m.title,
        m.heldAt,
        m.place,
        m.host,
        [
          '北碚区副区长（领导小组组长）',
          '绵阳市副市长（领导小组组长）',
          '北碚区招商投资促进局局长',
          '绵阳市经济合作局局长',
          '两地发展改革、经济信息、科技部门负责人',
        ],
        ['通报半年来产业协同招商工作情况', '审议行动计划责任清单推进情况', '研究下一阶段重点工作'],
        JSON.stringify(decisions),
        m.host.startsWith('北碚') ? 'beibei' : 'mianyang',
      ],
    );
    createdMeetings += inserted.length;
  }

  let createdItems = 0;
  for (const [code, field, title, unitKey, dueMonths, keyTask] of ITEMS) {
    const id = demoUuid(`item-${code}`);
    const units: ActionUnit[] = [
      { jurisdiction: 'beibei', unit: UNITS[unitKey][0] },
      { jurisdiction: 'mianyang', unit: UNITS[unitKey][1] },
    ];
    const dueAt = addMonths(periodFrom, dueMonths);
    const n = Number(code.replace('.', ''));
    // Past deadlines: most done, some overdue (every fifth); the rest progressing with time.
    const past = dueAt < today;
    const elapsed = Math.max(
      0,
      Math.min(1, (now - Date.parse(periodFrom)) / (Date.parse(dueAt) - Date.parse(periodFrom))),
    );
    const overdue = past && n % 5 === 3;
    const target: Record<Jurisdiction, number> =
      past && !overdue
        ? { beibei: 100, mianyang: 100 }
        : {
            beibei: Math.min(95, Math.round((elapsed * 80 + (n % 4) * 5) / 5) * 5),
            mianyang: Math.min(95, Math.round((elapsed * 70 + (n % 3) * 5) / 5) * 5),
          };
    const reports: {
      jurisdiction: Jurisdiction;
      progress: number;
      text: string;
      status?: 'in_progress' | 'done' | 'delayed';
      at: number;
    }[] = [];
    for (const j of ['beibei', 'mianyang'] as const) {
      if (target[j] <= 0) continue;
      const unit = units.find((u) => u.jurisdiction === j)!.unit;
      const half = Math.round(target[j] / 10) * 5;
      const start = Math.min(now - 20 * 86_400_000, Date.parse(periodFrom) + 60 * 86_400_000);
      const end = Math.min(now - 3 * 86_400_000, Date.parse(dueAt));
      if (half > 0 && half < target[j])
        reports.push({
          jurisdiction: j,
          progress: half,
          text: `${unit}已制定工作方案，明确责任人和时间节点。`,
          status: 'in_progress',
          at: start + (end - start) / 3,
        });
      const delayed = overdue && j === (n % 2 ? 'beibei' : 'mianyang');
      reports.push({
        jurisdiction: j,
        progress: target[j],
        text:
          target[j] >= 100
            ? `${unit}承担部分已完成。`
            : delayed
              ? `${unit}：${FIELD_OVERDUE_NOTE[field] ?? '工作推进慢于计划'}，正在协调解决。`
              : `${unit}按计划推进，已完成阶段性工作。`,
        status: target[j] >= 100 ? 'done' : delayed ? 'delayed' : 'in_progress',
        at: end - (j === 'beibei' ? 2 : 1) * 86_400_000,
      });
    }
    reports.sort((a, b) => a.at - b.at);
    let state: {
      units: ActionUnit[];
      progressBy: Partial<Record<Jurisdiction, number>>;
      status: ActionStatus;
      progress: number;
    } = {
      units,
      progressBy: {},
      status: 'not_started',
      progress: 0,
    };
    const statusBy: Partial<Record<Jurisdiction, 'in_progress' | 'done' | 'delayed'>> = {};
    for (const r of reports) {
      state = { ...state, ...afterReport(state, r, statusBy) };
      if (r.status) statusBy[r.jurisdiction] = r.status;
    }
    const fromMeeting = itemFromDecision[code]?.[0] ?? null;
    const inserted = await sqlRows(
      em,
      `INSERT INTO action_items (id, plan_id, code, title, scope, field, key_task_year, units, due_at, status, progress,
                                 progress_by, meeting_id, created_by_jurisdiction)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12::jsonb, $13, 'beibei')
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        id,
        planId,
        code,
        title,
        `${title}。由${units.map((u) => u.unit).join('、')}共同牵头，按责任清单分工推进。`,
        field,
        keyTask ? clock.year : null,
        JSON.stringify(units),
        dueAt,
        state.status,
        state.progress,
        JSON.stringify(state.progressBy),
        fromMeeting,
      ],
    );
    if (!inserted.length) continue;
    createdItems++;
    for (const r of reports)
      await sqlRows(
        em,
        `INSERT INTO action_item_reports (item_id, jurisdiction, author_name, progress, status, text, reported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          r.jurisdiction,
          r.jurisdiction === 'beibei' ? '北碚招商负责人' : '绵阳招商负责人',
          r.progress,
          r.status ?? null,
          r.text,
          new Date(r.at),
        ],
      );
  }
  return { plans: plans.length, items: createdItems, meetings: createdMeetings };
}

export const DEMO_ITEM_COUNT = ITEMS.length;
export const DEMO_KEY_TASKS = ITEMS.filter((i) => i[5]).length;
