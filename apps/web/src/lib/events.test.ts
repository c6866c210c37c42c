import { describe, expect, it } from 'vitest';
import { eventKindLabel, fmtWhen, inviteeStatusLabel, isToday } from './events';
import { toLeadBody } from './lead-form';

describe('promotion events in the UI', () => {
  const at = (y: number, m: number, d: number, h: number, min = 0) =>
    new Date(y, m - 1, d, h, min).toISOString();

  it('writes one day as a time range and several days in full', () => {
    expect(fmtWhen({ startsAt: at(2026, 12, 10, 9, 30), endsAt: at(2026, 12, 10, 16) })).toBe(
      '2026-12-10 09:30–16:00',
    );
    expect(fmtWhen({ startsAt: at(2026, 12, 10, 9), endsAt: at(2026, 12, 12, 17) })).toBe(
      '2026-12-10 09:00 – 2026-12-12 17:00',
    );
  });

  it('offers check-in on the days the event runs', () => {
    const e = { startsAt: at(2026, 12, 10, 9), endsAt: at(2026, 12, 11, 17) };
    expect(isToday(e, new Date(2026, 11, 10, 20))).toBe(true);
    expect(isToday(e, new Date(2026, 11, 11, 8))).toBe(true);
    expect(isToday(e, new Date(2026, 11, 12, 8))).toBe(false);
  });

  it('labels kinds and statuses in both languages', () => {
    expect(eventKindLabel('zh', 'matchmaking')).toBe('对接会');
    expect(eventKindLabel('en', 'visit')).toBe('Visit');
    expect(inviteeStatusLabel('zh', 'attended')).toBe('已到场');
  });

  it('sends the event of a lead only when its source is an event', () => {
    const base = { title: 't', investorName: 'i', segments: ['nev.cathode'], eventId: 'e1' };
    expect(toLeadBody({ ...base, source: 'event' }).eventId).toBe('e1');
    expect(toLeadBody({ ...base, source: 'referral' }).eventId).toBeUndefined();
  });
});
