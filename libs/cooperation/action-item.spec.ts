import { afterReport, deadlineOf, unitErrors } from './action-item';

const BOTH = [
  { jurisdiction: 'beibei' as const, unit: '北碚区招商投资促进局' },
  { jurisdiction: 'mianyang' as const, unit: '绵阳市投资促进局' },
];

describe('action items (DESIGN §15)', () => {
  it('overdue past dueAt, at risk within 30 days, closed when done or cancelled', () => {
    expect(deadlineOf({ dueAt: '2026-05-31', status: 'in_progress' }, '2026-06-01')).toBe('overdue');
    expect(deadlineOf({ dueAt: '2026-06-01', status: 'in_progress' }, '2026-06-01')).toBe('at_risk');
    expect(deadlineOf({ dueAt: '2026-07-01', status: 'not_started' }, '2026-06-01')).toBe('at_risk');
    expect(deadlineOf({ dueAt: '2026-07-02', status: 'not_started' }, '2026-06-01')).toBe('on_track');
    expect(deadlineOf({ dueAt: '2026-05-01', status: 'done' }, '2026-06-01')).toBe('closed');
    expect(deadlineOf({ dueAt: '2026-05-01', status: 'cancelled' }, '2026-06-01')).toBe('closed');
  });

  it('a report replaces its city’s figure; the item is the mean, done only when every city is at 100', () => {
    const start = { units: BOTH, progressBy: {}, status: 'not_started' as const };
    const one = afterReport(start, { jurisdiction: 'beibei', progress: 60 });
    expect(one).toEqual({ progress: 30, progressBy: { beibei: 60 }, status: 'in_progress' });
    const two = afterReport({ ...start, ...one }, { jurisdiction: 'beibei', progress: 100, status: 'done' });
    expect(two).toMatchObject({ progress: 50, status: 'in_progress' });
    const three = afterReport({ ...start, ...two }, { jurisdiction: 'mianyang', progress: 100 });
    expect(three).toMatchObject({ progress: 100, status: 'done' });
  });

  it('a city that says delayed makes the item delayed until it says otherwise', () => {
    const start = { units: BOTH, progressBy: { beibei: 40 }, status: 'in_progress' as const };
    expect(afterReport(start, { jurisdiction: 'mianyang', progress: 10, status: 'delayed' }).status).toBe(
      'delayed',
    );
    expect(afterReport(start, { jurisdiction: 'beibei', progress: 50 }, { mianyang: 'delayed' }).status).toBe(
      'delayed',
    );
    expect(
      afterReport(
        start,
        { jurisdiction: 'mianyang', progress: 20, status: 'in_progress' },
        { mianyang: 'delayed' },
      ).status,
    ).toBe('in_progress');
  });

  it('a one-city item is done when that city reaches 100', () => {
    const r = afterReport(
      { units: [BOTH[0]], progressBy: {}, status: 'in_progress' },
      { jurisdiction: 'beibei', progress: 100 },
    );
    expect(r).toMatchObject({ progress: 100, status: 'done' });
  });

  it('units: at least one, each named', () => {
    expect(unitErrors([])).toEqual([{ field: 'units', message: 'at least one responsible unit' }]);
    expect(unitErrors([{ jurisdiction: 'beibei', unit: ' ' }])).toEqual([
      { field: 'units[0].unit', message: 'the unit is named' },
    ]);
    expect(unitErrors(BOTH)).toEqual([]);
  });
});
