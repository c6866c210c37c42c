import { yuanEn, yuanZh } from './reasons';
import { projectScale, sizeBand, sizeFit } from './size-fit';

describe('size fit (DESIGN §10)', () => {
  it('bands enterprises by revenue, by head count when revenue is unknown, and leaves the unknown alone', () => {
    expect([1, 1_999, 2_000, 99_999, 100_000, 999_999, 1_000_000].map((r) => sizeBand(r, null))).toEqual([
      0, 0, 1, 1, 2, 2, 3,
    ]);
    // revenue decides when known, whatever the head count says
    expect(sizeBand(1_500, 50_000)).toBe(0);
    expect([1, 19, 20, 999, 1_000, 9_999, 10_000].map((n) => sizeBand(null, n))).toEqual([
      0, 0, 1, 1, 2, 2, 3,
    ]);
    expect(sizeBand(0, 15)).toBe(0); // a zero revenue is not a figure: the head count decides
    expect(sizeBand(null, null)).toBe(2);
    expect(sizeBand(0, 0)).toBe(2);
  });

  it('scales projects by planned investment; no investment, no size rule', () => {
    expect([null, 0, -5, 1, 9_999, 10_000, 99_999, 100_000, 5_000_000].map(projectScale)).toEqual([
      'none',
      'none',
      'none',
      'small',
      'small',
      'medium',
      'medium',
      'major',
      'major',
    ]);
  });

  it('finds an enterprise far too small or too large for the project', () => {
    const table = (['none', 'small', 'medium', 'major'] as const).map((scale) =>
      ([0, 1, 2, 3] as const).map((band) => sizeFit(band, scale)),
    );
    expect(table).toEqual([
      ['fit', 'fit', 'fit', 'fit'],
      ['fit', 'fit', 'fit', 'tooLarge'],
      ['tooSmall', 'fit', 'fit', 'fit'],
      ['farTooSmall', 'tooSmall', 'fit', 'fit'],
    ]);
  });

  it('writes amounts of 万元 as people say them', () => {
    expect([800, 9_999, 10_000, 32_000, 4_395.4, 1_234_567].map(yuanZh)).toEqual([
      '800万元',
      '9999万元',
      '1亿元',
      '3.2亿元',
      '4395万元',
      '123亿元',
    ]);
    expect([800, 32_000, 500_000, 3_000_000].map(yuanEn)).toEqual([
      'CNY 8 million',
      'CNY 320 million',
      'CNY 5 billion',
      'CNY 30 billion',
    ]);
  });
});
