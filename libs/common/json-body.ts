/**
 * Checks on a JSON request body BEFORE it is parsed into objects (DESIGN §11): nesting deeper than
 * the limit (a body nested thousands of levels deep overflows the stack of whatever walks it
 * later), and escaped lone surrogates (`"\ud800"`: not text; stored, it would silently become
 * U+FFFD). One pass, linear in the body: string contents are skipped with indexOf, not char by char.
 */

export const MAX_JSON_DEPTH = 32;

export type JsonTextProblem =
  { code: 'JSON_TOO_DEEP'; message: string } | { code: 'LONE_SURROGATE'; message: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const U = 0x75;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function hex4(text: string, at: number): number {
  const s = text.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(s) ? parseInt(s, 16) : -1;
}

/**
 * The first problem of `text`, or null. Malformed JSON is left to the parser (which names it);
 * this only looks at what a parser would accept but the API must not.
 */
export function checkJsonText(text: string, maxDepth = MAX_JSON_DEPTH): JsonTextProblem | null {
  const lone = (): JsonTextProblem => ({
    code: 'LONE_SURROGATE',
    message: 'body contains an unpaired UTF-16 surrogate escape (\\ud800–\\udfff); send valid Unicode text',
  });
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: find its closing quote, visiting only the escapes in between.
      let j = i + 1;
      let quote = text.indexOf('"', j);
      for (;;) {
        if (quote < 0) return null; // unterminated: the parser reports it
        const escape = text.indexOf('\\', j);
        if (escape < 0 || escape > quote) break;
        if (text.charCodeAt(escape + 1) === U) {
          const unit = hex4(text, escape + 2);
          if (isLow(unit)) return lone();
          if (isHigh(unit)) {
            const next =
              text.charCodeAt(escape + 6) === BACKSLASH && text.charCodeAt(escape + 7) === U
                ? hex4(text, escape + 8)
                : -1;
            if (!isLow(next)) return lone();
            j = escape + 12;
          } else {
            j = escape + 6;
          }
        } else {
          j = escape + 2; // \" \\ \n …: the escaped character is never the end of the string
        }
        if (j > quote) quote = text.indexOf('"', j);
      }
      i = quote;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) {
        return {
          code: 'JSON_TOO_DEEP',
          message: `body is nested deeper than ${maxDepth} levels`,
        };
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return null;
}

/** `charset` of a Content-Type, lower-cased; undefined when absent. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1].toLowerCase() : undefined;
}

/** JSON is UTF-8 (RFC 8259 §8.1); a body declared in another charset would be misread. */
export function isUtf8Charset(charset: string | undefined): boolean {
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
