import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { JURISDICTION_NAMES } from '../matching/reasons';
import type { PromotionEvent } from './promotion-event';

const KIND_NAMES: Record<string, { zh: string; en: string }> = {
  promotion: { zh: '推介会', en: 'Promotion' },
  matchmaking: { zh: '对接会', en: 'Matchmaking' },
  expo: { zh: '展会', en: 'Expo' },
  forum: { zh: '论坛', en: 'Forum' },
  visit: { zh: '考察', en: 'Visit' },
};

/**
 * The iCalendar feed of events (DESIGN §16, `GET /events.ics`), written by ical-generator (RFC
 * 5545 escaping, folding and UTC times are the library's): one VEVENT per event, its UID stable
 * (`<id>@liancheng`) and SEQUENCE its version, so calendar apps update an event in place.
 */
export function eventsCalendar(events: readonly PromotionEvent[], locale: 'zh-CN' | 'en'): string {
  const en = locale === 'en';
  const cal = ical({
    name: en ? 'Liancheng promotion events' : '链城 招商活动',
    prodId: { company: 'Liancheng', product: 'promotion-events', language: en ? 'EN' : 'ZH' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 60 * 60,
  });
  for (const e of events) {
    const kind = KIND_NAMES[e.kind] ?? { zh: e.kind, en: e.kind };
    const hosts = e.hosts.map((j) => (en ? JURISDICTION_NAMES[j]?.en : JURISDICTION_NAMES[j]?.zh) ?? j);
    cal.createEvent({
      id: `${e.id}@liancheng`,
      sequence: e.version,
      start: new Date(e.startsAt),
      end: new Date(e.endsAt),
      stamp: new Date(e.updatedAt),
      lastModified: new Date(e.updatedAt),
      summary: e.title,
      location: [e.city, e.venue].filter(Boolean).join(' ') || null,
      description: [
        `${en ? 'Kind' : '类型'}: ${en ? kind.en : kind.zh}`,
        `${en ? 'Hosts' : '主办'}: ${hosts.join(en ? ', ' : '、')}`,
        ...(e.summary ? ['', e.summary] : []),
      ].join('\n'),
      categories: [{ name: en ? kind.en : kind.zh }],
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
