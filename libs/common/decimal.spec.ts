import fc from 'fast-check';
import { decimalPlaces } from './decimal';

describe('decimalPlaces', () => {
  it.each([
    [0, 0],
    [-0, 0],
    [12, 0],
    [1.5, 1],
    [-0.25, 2],
    [0.1 + 0.2, 17],
    [1e-7, 7],
    [1.5e-10, 11],
    [-2.5e-7, 8],
    [1e21, 0],
    [1.5e300, 0],
    [Number.MIN_VALUE, 324],
  ])('%p has %p decimal places', (value, places) => {
    expect(decimalPlaces(value)).toBe(places);
  });

  it('is NaN for NaN and infinities', () => {
    expect(decimalPlaces(NaN)).toBeNaN();
    expect(decimalPlaces(Infinity)).toBeNaN();
  });

  it('agrees with the fixed-point form of every cent amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => {
        const v = cents / 100;
        expect(decimalPlaces(v)).toBeLessThanOrEqual(2);
        expect(Number(v.toFixed(decimalPlaces(v)))).toBe(v);
      }),
    );
  });
});
