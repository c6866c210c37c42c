/** Joint promotion events (DESIGN §16): labels and formatting the pages share. */
import type { EventKind, InviteeStatus, PromotionEvent } from '../api/types';
import type { Locale } from '../i18n/dict';

export const EVENT_KINDS: EventKind[] = ['promotion', 'matchmaking', 'expo', 'forum', 'visit'];
export const INVITEE_STATUSES: InviteeStatus[] = ['invited', 'registered', 'attended', 'declined'];

const KIND: Record<EventKind, [string, string]> = {
  promotion: ['推介会', 'Promotion'],
  matchmaking: ['对接会', 'Matchmaking'],
  expo: ['展会', 'Expo'],
  forum: ['论坛', 'Forum'],
  visit: ['考察', 'Visit'],
};
const STATUS: Record<InviteeStatus, [string, string]> = {
  invited: ['已邀请', 'Invited'],
  registered: ['已报名', 'Registered'],
  attended: ['已到场', 'Attended'],
  declined: ['已谢绝', 'Declined'],
};
export const STATUS_COLORS: Record<InviteeStatus, string> = {
  invited: 'default',
  registered: 'blue',
  attended: 'green',
  declined: 'red',
};

export const eventKindLabel = (locale: Locale, k: string) =>
  KIND[k as EventKind]?.[locale === 'zh' ? 0 : 1] ?? k;
export const inviteeStatusLabel = (locale: Locale, s: string) =>
  STATUS[s as InviteeStatus]?.[locale === 'zh' ? 0 : 1] ?? s;

const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const time = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** "2026-12-10 09:30–16:00", or "2026-12-10 09:30 – 2026-12-12 17:00" across days (local time). */
export function fmtWhen(e: Pick<PromotionEvent, 'startsAt' | 'endsAt'>): string {
  const s = new Date(e.startsAt);
  const f = new Date(e.endsAt);
  return day(s) === day(f)
    ? `${day(s)} ${time(s)}–${time(f)}`
    : `${day(s)} ${time(s)} – ${day(f)} ${time(f)}`;
}

/** Whether the event runs today (check-in is offered on the day). */
export function isToday(e: Pick<PromotionEvent, 'startsAt' | 'endsAt'>, now = new Date()): boolean {
  const today = day(now);
  return day(new Date(e.startsAt)) <= today && today <= day(new Date(e.endsAt));
}
