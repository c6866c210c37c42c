/**
 * Size fit (DESIGN §10): an enterprise far too small or too large for the lead's planned
 * investment weighs less. Classes anchored on thresholds Chinese statistics and investment
 * promotion use:
 *
 * - enterprise size band, by revenue in 万元 (by head count when revenue is unknown): 0 below
 *   2,000 万 (规模以下; under 20 staff), 1 below 10 亿 (under 1,000 staff), 2 below 100 亿, 3 from
 *   100 亿 (百亿级; 10,000 staff or more); 2 when neither is known (no evidence, never penalised);
 * - project scale, by plannedInvestmentWan: small below 1 亿, medium below 10 亿, major from 10 亿
 *   (10 亿元以上重大项目); none when no investment is recorded (no size rule applies).
 *
 * Postgres computes the band for the candidate index too (`enterprise_size_band()`, migration
 * 1764330000000); test/matching-index.e2e-spec.ts keeps the two equal.
 */
export type SizeBand = 0 | 1 | 2 | 3;
export type ProjectScale = 'none' | 'small' | 'medium' | 'major';
/**
 * For a small project a 百亿级 enterprise is `tooLarge`; for a medium one a 规模以下 enterprise
 * is `tooSmall`; for a major one a 规模以下 enterprise is `farTooSmall` and one below 10 亿
 * `tooSmall`. Everything else fits.
 */
export type SizeFit = 'fit' | 'tooSmall' | 'farTooSmall' | 'tooLarge';

const REVENUE_LIMITS_WAN = [2_000, 100_000, 1_000_000] as const;
const STAFF_LIMITS = [20, 1_000, 10_000] as const;
const SMALL_PROJECT_WAN = 10_000;
const MAJOR_PROJECT_WAN = 100_000;

const bandOf = (x: number, limits: readonly number[]) => limits.filter((l) => x >= l).length as SizeBand;

export function sizeBand(
  revenueWan: number | null | undefined,
  employees: number | null | undefined,
): SizeBand {
  if (revenueWan != null && revenueWan > 0) return bandOf(revenueWan, REVENUE_LIMITS_WAN);
  if (employees != null && employees > 0) return bandOf(employees, STAFF_LIMITS);
  return 2;
}

export function projectScale(plannedInvestmentWan: number | null | undefined): ProjectScale {
  if (plannedInvestmentWan == null || !(plannedInvestmentWan > 0)) return 'none';
  if (plannedInvestmentWan < SMALL_PROJECT_WAN) return 'small';
  return plannedInvestmentWan < MAJOR_PROJECT_WAN ? 'medium' : 'major';
}

export function sizeFit(band: SizeBand, scale: ProjectScale): SizeFit {
  switch (scale) {
    case 'none':
      return 'fit';
    case 'small':
      return band === 3 ? 'tooLarge' : 'fit';
    case 'medium':
      return band === 0 ? 'tooSmall' : 'fit';
    case 'major':
      return band === 0 ? 'farTooSmall' : band === 1 ? 'tooSmall' : 'fit';
  }
}
