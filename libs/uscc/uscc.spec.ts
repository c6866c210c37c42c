import fc from 'fast-check';
import { USCC_CHARSET, isValidUscc, usccCheckChar, withUsccCheck } from './uscc';

describe('USCC (GB 32100-2015)', () => {
  it('accepts the reference code', () => {
    expect(isValidUscc('91500109747457789Y')).toBe(true);
  });

  it('rejects the reference code with any other last character', () => {
    for (const c of USCC_CHARSET) {
      if (c !== 'Y') expect(isValidUscc('91500109747457789' + c)).toBe(false);
    }
  });

  it.each([
    ['', 'empty'],
    ['91500109747457789', '17 characters'],
    ['91500109747457789YY', '19 characters'],
    ['91500109747457789y', 'lower case'],
    ['9150010974745778IY', 'I is not in the charset'],
    ['9150010974745778OY', 'O is not in the charset'],
    ['9150010974745778SY', 'S is not in the charset'],
  ])('rejects %s (%s)', (code) => {
    expect(isValidUscc(code)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isValidUscc(915001097474577)).toBe(false);
    expect(isValidUscc(null)).toBe(false);
  });

  it('weights are 3^(i-1) mod 31', () => {
    // a body of a single 1 at position i has check (31 - w_i) mod 31
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    weights.forEach((w, i) => {
      const body = '0'.repeat(i) + '1' + '0'.repeat(16 - i);
      expect(usccCheckChar(body)).toBe(USCC_CHARSET[(31 - w) % 31]);
    });
  });

  it('every generated code is valid and a single changed character makes it invalid', () => {
    const char = fc.constantFrom(...USCC_CHARSET.split(''));
    fc.assert(
      fc.property(fc.array(char, { minLength: 17, maxLength: 17 }), fc.nat(16), char, (body, pos, repl) => {
        const code = withUsccCheck(body.join(''));
        expect(isValidUscc(code)).toBe(true);
        if (repl !== code[pos]) {
          const broken = code.slice(0, pos) + repl + code.slice(pos + 1);
          expect(isValidUscc(broken)).toBe(false);
        }
      }),
    );
  });
});
