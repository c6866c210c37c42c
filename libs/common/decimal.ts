import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Decimal places of a finite number as written in its shortest form (what JSON carries):
 * 1.25 → 2, 1e-7 → 7, 1.5e-10 → 11, 1e21 → 0. Reads mantissa and exponent, so exponent
 * notation counts right instead of throwing.
 */
export function decimalPlaces(value: number): number {
  if (!Number.isFinite(value)) return NaN;
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!m) return NaN;
  const fraction = m[1]?.length ?? 0;
  const exponent = m[2] ? Number(m[2]) : 0;
  return Math.max(0, fraction - exponent);
}

/** A number with at most `places` decimal places (money in 万元 and areas: 2, like the columns). */
export function MaxDecimalPlaces(places: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'maxDecimalPlaces',
      constraints: [places],
      validator: {
        validate: (v: unknown) => typeof v === 'number' && decimalPlaces(v) <= places,
        defaultMessage: () => `must be a number with at most ${places} decimal places`,
      },
    },
    options,
  );
}
