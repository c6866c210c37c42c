/** Report periods of the dashboard (DESIGN §15): days YYYY-MM-DD in China Standard Time, both included. */
export type PeriodKind = 'month' | 'quarter' | 'halfYear' | 'all' | 'custom';

export interface Period {
  from?: string;
  to?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const day = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
/** The last day of month `m` (1–12) of year `y`. */
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Today's calendar day in China Standard Time (UTC+8, no daylight saving). */
export function todayInChina(now: Date = new Date()): { y: number; m: number; d: number } {
  const t = new Date(now.getTime() + 8 * 3600 * 1000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/**
 * The period of `kind` containing today: this month, this quarter, or the half-year since the last
 * joint meeting. Without a meetings calendar the joint leading group meets each half-year, so the
 * half-year starts on 1 January or 1 July.
 */
export function periodOf(kind: PeriodKind, now: Date = new Date()): Period {
  const { y, m } = todayInChina(now);
  if (kind === 'month') return { from: day(y, m, 1), to: day(y, m, lastDay(y, m)) };
  if (kind === 'quarter') {
    const first = Math.floor((m - 1) / 3) * 3 + 1;
    return { from: day(y, first, 1), to: day(y, first + 2, lastDay(y, first + 2)) };
  }
  if (kind === 'halfYear')
    return m <= 6 ? { from: day(y, 1, 1), to: day(y, 6, 30) } : { from: day(y, 7, 1), to: day(y, 12, 31) };
  return {};
}

/** The unit an amount is shown in: 亿元 / 万元 in Chinese, billion / million yuan in English. */
export type MoneyUnit = 'yi' | 'wan' | 'bn' | 'm';

/** How many 万元 one of `unit` is. */
export const WAN_PER: Record<MoneyUnit, number> = { yi: 10000, wan: 1, bn: 100000, m: 100 };

/** The unit for amounts up to `wan`: large ones (from 1 亿 = 10 000 万元 on) in 亿元, or billions in English. */
export function moneyUnit(wan: number, locale: 'zh' | 'en'): MoneyUnit {
  const large = Math.abs(wan) >= 10000;
  return locale === 'zh' ? (large ? 'yi' : 'wan') : large ? 'bn' : 'm';
}

/** An amount in 万元 as the dashboard shows it: its number in the unit `moneyUnit` picks. */
export function moneyParts(
  wan: number | null | undefined,
  locale: 'zh' | 'en' = 'zh',
): { value: string; unit: MoneyUnit } | null {
  if (wan === null || wan === undefined || Number.isNaN(Number(wan))) return null;
  const v = Number(wan);
  const unit = moneyUnit(v, locale);
  return {
    value: (v / WAN_PER[unit]).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-US', {
      maximumFractionDigits: 2,
    }),
    unit,
  };
}
