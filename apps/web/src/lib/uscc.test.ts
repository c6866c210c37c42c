import { describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../../../libs/uscc/uscc';
import { isValidUscc, usccState } from './uscc';

describe('USCC as typed (GB 32100-2015)', () => {
  const valid = withUsccCheck('91500109MA5U0A1B2');

  it('accepts a code whose check character is right', () => {
    expect(isValidUscc(valid)).toBe(true);
    expect(usccState(valid)).toBe('valid');
    expect(usccState(valid.toLowerCase())).toBe('valid');
  });

  it('reports progress while fewer than 18 characters are typed', () => {
    expect(usccState('')).toBe('empty');
    expect(usccState('9150')).toBe('typing');
    expect(usccState(valid.slice(0, 17))).toBe('typing');
  });

  it('flags a wrong check character at 18 characters', () => {
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    expect(usccState(wrong)).toBe('bad-check');
  });

  it('flags characters outside the charset at once (I, O, Z, S, V)', () => {
    expect(usccState('91I')).toBe('bad-char');
    expect(usccState('9150010O')).toBe('bad-char');
  });

  it('flags too long input', () => {
    expect(usccState(valid + '1')).toBe('too-long');
  });
});
