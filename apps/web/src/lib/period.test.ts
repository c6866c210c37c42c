import { describe, expect, it } from 'vitest';
import { moneyParts, periodOf, todayInChina } from './period';

describe('report periods', () => {
  it('takes today in China Standard Time', () => {
    expect(todayInChina(new Date('2026-06-30T17:00:00Z'))).toEqual({ y: 2026, m: 7, d: 1 });
  });

  it('month, quarter and half-year contain today', () => {
    const now = new Date('2026-02-10T04:00:00Z');
    expect(periodOf('month', now)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodOf('quarter', now)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(periodOf('halfYear', now)).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    const autumn = new Date('2026-11-03T04:00:00Z');
    expect(periodOf('quarter', autumn)).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodOf('halfYear', autumn)).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(periodOf('all', autumn)).toEqual({});
  });

  it('shows amounts from 10 000 万元 in 亿元 (billions in English), smaller ones in 万元 (millions)', () => {
    expect(moneyParts(9999)).toEqual({ value: '9,999', unit: 'wan' });
    expect(moneyParts(123456)).toEqual({ value: '12.35', unit: 'yi' });
    expect(moneyParts(123456, 'en')).toEqual({ value: '1.23', unit: 'bn' });
    expect(moneyParts(5000, 'en')).toEqual({ value: '50', unit: 'm' });
    expect(moneyParts(null)).toBeNull();
  });
});
