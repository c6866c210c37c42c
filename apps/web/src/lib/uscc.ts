// One USCC validator for server and UI (GB 32100-2015): the web build imports the server's pure file.
export { isValidUscc, usccCheckChar, USCC_CHARSET } from '../../../../libs/uscc/uscc';
import { USCC_CHARSET, usccCheckChar } from '../../../../libs/uscc/uscc';

export type UsccState = 'empty' | 'typing' | 'bad-char' | 'bad-check' | 'valid' | 'too-long';

/** Feedback while the code is being typed: what is wrong so far, not only at 18 characters. */
export function usccState(raw: string): UsccState {
  const code = raw.trim().toUpperCase();
  if (!code) return 'empty';
  if ([...code].some((c) => !USCC_CHARSET.includes(c))) return 'bad-char';
  if (code.length > 18) return 'too-long';
  if (code.length < 18) return 'typing';
  return usccCheckChar(code.slice(0, 17)) === code[17] ? 'valid' : 'bad-check';
}
