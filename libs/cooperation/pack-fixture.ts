import type { MeetingPack, PackItem } from './meeting-pack';

const item = (code: string, title: string, statusName: string, progress: number): PackItem => ({
  id: `00000000-0000-4000-8000-0000000000${code.replace('.', '')}`.slice(0, 36),
  code,
  title,
  fieldName: '产业协同招商',
  units: '北碚区招商投资促进局、绵阳市投资促进局',
  dueAt: '2026-06-30',
  statusName,
  progress,
});

/** A small pack as MeetingPackService builds it, for the renderers' specs. */
export function samplePack(): MeetingPack {
  return {
    meeting: {
      id: '11111111-1111-4111-8111-111111111111',
      kind: 'leading_group',
      title: '2026年上半年联席会议',
      heldAt: '2026-06-18T02:00:00.000Z',
      place: '北碚区政府',
      host: '北碚区人民政府',
      attendees: ['北碚区副区长', '绵阳市副市长'],
      agenda: ['通报合作进展'],
      decisions: [{ text: '共同举办产业链对接会', actionItemId: null }],
      createdByJurisdiction: 'beibei',
      version: 1,
      updatedAt: '2026-06-01T00:00:00.000Z',
    },
    kindName: '产业协同招商领导小组联席会议',
    viewer: 'beibei',
    period: {
      from: '2025-12-18T02:00:00.000Z',
      to: '2026-06-18T02:00:00.000Z',
      fromDay: '2025-12-18',
      toDay: '2026-06-18',
    },
    previousMeeting: {
      id: '22222222-2222-4222-8222-222222222222',
      heldAt: '2025-12-18T02:00:00.000Z',
      title: '2025年下半年联席会议',
    },
    totals: {
      newLeads: { beibei: 12, mianyang: 9 },
      signed: { beibei: 3, mianyang: 2 },
      contractAmountWan: { beibei: 152000, mianyang: 98000.5 },
      fundsInPlaceWan: { beibei: 30500, mianyang: 12000 },
      matchesAccepted: { beibei: 6, mianyang: 4 },
      collisions: 2,
    },
    byIndustry: [
      {
        industry: 'nev',
        industryName: '新能源与智能网联汽车',
        newLeads: { beibei: 7, mianyang: 5 },
        signed: { beibei: 2, mianyang: 1 },
        amount: { beibei: 120000, mianyang: 58000.5 },
        funds: { beibei: 30500, mianyang: 12000 },
      },
      {
        industry: 'ngit',
        industryName: '新一代信息技术',
        newLeads: { beibei: 5, mianyang: 4 },
        signed: { beibei: 1, mianyang: 1 },
        amount: { beibei: 32000, mianyang: 40000 },
        funds: { beibei: 0, mianyang: 0 },
      },
    ],
    funnel: [
      { stage: 'lead', stageName: '线索', beibei: 20, mianyang: 15 },
      { stage: 'negotiating', stageName: '洽谈', beibei: 6, mianyang: 4 },
      { stage: 'signed', stageName: '签约', beibei: 3, mianyang: 2 },
    ],
    topSigned: [
      {
        leadId: '33333333-3333-4333-8333-333333333333',
        title: '动力电池模组生产基地项目',
        jurisdiction: 'beibei',
        industryName: '新能源与智能网联汽车',
        signedAt: '2026-03-12',
        contractAmountWan: 120000,
        fundsInPlaceWan: 30500,
      },
    ],
    matchesAccepted: [
      { jurisdiction: 'beibei', partner: 5, park: 1 },
      { jurisdiction: 'mianyang', partner: 3, park: 1 },
    ],
    collisions: [{ status: 'joint', statusName: '联合招引', count: 2 }],
    events: {
      linkedToItems: 3,
      held: [
        {
          id: '00000000-0000-4000-8000-0000000000e1',
          title: '成渝地区双城经济圈新能源汽车产业链推介会',
          hosts: ['beibei', 'mianyang'],
          day: '2026-05-20',
          leads: 6,
          signed: 2,
          contractAmountWan: 85000,
        },
      ],
    },
    actionItems: {
      total: 44,
      done: [item('1.1', '建立联合招商工作机制', '已完成', 100)],
      overdue: [item('2.3', '共建园区标准厂房二期', '滞后', 45)],
      atRisk: [item('3.1', '共享招商项目信息平台', '推进中', 70)],
    },
    previousDecisions: [
      { text: '研究设立联合招商基金', item: item('5.2', '研究设立联合招商基金', '推进中', 30) },
    ],
  };
}
