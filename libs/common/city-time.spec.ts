import { cityDay, cityMinute } from './city-time';

describe('the cities’ clock (UTC+8)', () => {
  it('turns the day at 16:00 UTC, whatever the server’s zone', () => {
    expect(cityDay(new Date('2026-06-01T15:59:00Z'))).toBe('2026-06-01');
    expect(cityDay(new Date('2026-06-01T16:00:00Z'))).toBe('2026-06-02');
    expect(cityDay(Date.parse('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
    expect(cityDay('2026-03-01T00:00:00+08:00')).toBe('2026-03-01');
  });

  it('shows a moment to the minute as the offices read it', () => {
    expect(cityMinute('2026-06-01T16:05:59Z')).toBe('2026-06-02 00:05');
  });
});
