/**
 * Unified Social Credit Code (统一社会信用代码), GB 32100-2015.
 * 18 characters from the charset below; the 18th is a check character over the first 17.
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

/** The check character for the first 17 characters, or null when one is outside the charset. */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

export function isValidUscc(code: unknown): code is string {
  if (typeof code !== 'string' || code.length !== 18) return false;
  const check = usccCheckChar(code.slice(0, 17));
  return check !== null && check === code[17];
}

/** Completes a 17-character body with its check character (for generators and fixtures). */
export function withUsccCheck(first17: string): string {
  const check = usccCheckChar(first17);
  if (check === null) throw new Error(`not a USCC body: ${first17}`);
  return first17 + check;
}
