import { JURISDICTION_NAMES } from '../matching/reasons';

/**
 * The notification types of DESIGN §18 and how each reads, in both languages. Stored as a type
 * with its parameters and rendered in the reader's language when read.
 */
export const NOTIFICATION_TYPES = [
  'collision',
  'matches_ready',
  'match_decided',
  'partner_follow_up',
  'lead_assigned',
  'next_action_due',
  'action_item_due',
  'agreement_waiting',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Per type: in the app (bell, live), in the app and the daily e-mail digest, or not at all. */
export const NOTIFICATION_MODES = ['in_app', 'digest', 'off'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];
export const DEFAULT_MODE: NotificationMode = 'in_app';

export interface NotificationParams {
  leadTitle?: string;
  otherJurisdiction?: string;
  count?: number;
  decision?: string;
  kind?: string;
  due?: string;
  proposedBy?: string;
  /** An action item: its code and title. */
  itemTitle?: string;
  overdue?: boolean;
}

const city = (code: string | undefined, lang: 'zh' | 'en') =>
  code ? (JURISDICTION_NAMES[code]?.[lang] ?? code) : '';
const DECISION: Record<string, { zh: string; en: string }> = {
  accepted: { zh: '采纳', en: 'accepted' },
  rejected: { zh: '不采纳', en: 'rejected' },
};
const AGREEMENT_KIND: Record<string, { zh: string; en: string }> = {
  'collision.resolve': { zh: '撞单处理', en: 'collision resolution' },
  'park.jurisdictions': { zh: '共建园区', en: 'co-built park' },
  'action_item.change': { zh: '行动事项调整', en: 'action item change' },
  'event.cohost': { zh: '共同主办活动', en: 'co-hosting an event' },
};

export interface RenderedNotification {
  title: string;
  body: string;
}

/** Title and body of a notification in `locale` (zh-CN by default: Chinese first). */
export function renderNotification(
  type: string,
  p: NotificationParams,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): RenderedNotification {
  const en = locale === 'en';
  const l = en ? 'en' : 'zh';
  const lead = p.leadTitle ?? '';
  switch (type as NotificationType) {
    case 'collision':
      return en
        ? {
            title: 'Collision with the partner city',
            body: `Your lead "${lead}" has the same investor as a lead of ${city(p.otherJurisdiction, l)}.`,
          }
        : {
            title: '撞单提醒',
            body: `本地线索《${lead}》与${city(p.otherJurisdiction, l)}的线索为同一投资方。`,
          };
    case 'matches_ready':
      return en
        ? { title: 'Matches ready', body: `${p.count ?? 0} new match(es) for your lead "${lead}".` }
        : { title: '匹配结果已生成', body: `您的线索《${lead}》有 ${p.count ?? 0} 条新的匹配建议。` };
    case 'match_decided':
      return en
        ? {
            title: 'Match decided',
            body: `A match of your lead "${lead}" was ${DECISION[p.decision ?? '']?.en ?? p.decision}.`,
          }
        : {
            title: '匹配已审定',
            body: `您的线索《${lead}》的一条匹配被${DECISION[p.decision ?? '']?.zh ?? p.decision}。`,
          };
    case 'partner_follow_up':
      return en
        ? {
            title: 'Partner city followed up',
            body: `${city(p.otherJurisdiction, l)} added a follow-up to your shared lead "${lead}".`,
          }
        : {
            title: '协作方跟进',
            body: `${city(p.otherJurisdiction, l)}对您共享的线索《${lead}》添加了跟进记录。`,
          };
    case 'lead_assigned':
      return en
        ? { title: 'Lead assigned to you', body: `The lead "${lead}" is now yours.` }
        : { title: '线索已分配给您', body: `线索《${lead}》已分配给您负责。` };
    case 'next_action_due':
      return en
        ? { title: 'Next action due', body: `The next action on "${lead}" was due ${p.due ?? ''}.` }
        : { title: '下次跟进到期', body: `线索《${lead}》的下次跟进日期（${p.due ?? ''}）已到。` };
    case 'action_item_due':
      return en
        ? {
            title: p.overdue ? 'Action item overdue' : 'Action item due',
            body: p.itemTitle
              ? `"${p.itemTitle}" of your unit ${p.overdue ? 'was' : 'is'} due ${p.due ?? ''}.`
              : `An action item of your unit is due ${p.due ?? ''}.`,
          }
        : {
            title: p.overdue ? '工作事项已逾期' : '工作事项到期',
            body: p.itemTitle
              ? `本单位承担的「${p.itemTitle}」${p.overdue ? '已于' : '将于'} ${p.due ?? ''} ${p.overdue ? '到期，尚未完成' : '到期'}。`
              : `本单位有工作事项将于 ${p.due ?? ''} 到期或已逾期。`,
          };
    case 'agreement_waiting': {
      const kind = AGREEMENT_KIND[p.kind ?? '']?.[l] ?? p.kind ?? '';
      return en
        ? {
            title: 'Agreement waits on your city',
            body: `${city(p.proposedBy, l)} proposed: ${kind}. A decision of your city is needed.`,
          }
        : { title: '待本市确认', body: `${city(p.proposedBy, l)}提出「${kind}」，需本市确认。` };
    }
    default:
      return { title: type, body: '' };
  }
}

export type NotificationModesDtoShape = Record<NotificationType, NotificationMode>;
