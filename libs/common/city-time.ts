/**
 * The cities' clock. Beibei and Mianyang both keep China Standard Time (UTC+8, no daylight saving):
 * deadlines, report periods and "today" are calendar days there, whatever the server's zone.
 */
export const CITY_TIME_ZONE = 'Asia/Shanghai';

const OFFSET_MS = 8 * 3_600_000;

const shifted = (at: Date | number | string) =>
  new Date(
    (typeof at === 'string' ? Date.parse(at) : typeof at === 'number' ? at : at.getTime()) + OFFSET_MS,
  );

/** The cities' calendar day of a moment, `YYYY-MM-DD`. */
export function cityDay(at: Date | number | string = Date.now()): string {
  return shifted(at).toISOString().slice(0, 10);
}

/** A moment as the offices read it: the cities' time to the minute, `YYYY-MM-DD HH:mm`. */
export function cityMinute(at: Date | number | string): string {
  return shifted(at).toISOString().slice(0, 16).replace('T', ' ');
}
