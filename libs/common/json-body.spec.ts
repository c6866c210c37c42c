import fc from 'fast-check';
import { charsetOf, checkJsonText, isUtf8Charset } from './json-body';

const nested = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);

describe('checkJsonText', () => {
  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(checkJsonText(nested(32))).toBeNull();
    expect(checkJsonText(nested(33))?.code).toBe('JSON_TOO_DEEP');
    expect(checkJsonText('{"a":'.repeat(33) + '1' + '}'.repeat(33))?.code).toBe('JSON_TOO_DEEP');
    expect(checkJsonText(nested(5000))?.code).toBe('JSON_TOO_DEEP');
  });

  it('counts depth, not the number of brackets', () => {
    const wide = `[${Array.from({ length: 1000 }, () => '{"a":[1,{"b":2}]}').join(',')}]`;
    expect(checkJsonText(wide)).toBeNull();
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    expect(checkJsonText(JSON.stringify({ s: '['.repeat(100) }))).toBeNull();
    expect(checkJsonText(JSON.stringify({ s: `"\\${'{'.repeat(100)}"` }))).toBeNull();
    expect(checkJsonText(`["\\\\", ${nested(40)}]`)?.code).toBe('JSON_TOO_DEEP');
  });

  it('refuses escaped lone surrogates and accepts escaped pairs and real characters', () => {
    expect(checkJsonText('{"name":"\\ud800"}')?.code).toBe('LONE_SURROGATE');
    expect(checkJsonText('{"name":"\\uDC00x"}')?.code).toBe('LONE_SURROGATE');
    expect(checkJsonText('{"name":"\\ud800\\u0041"}')?.code).toBe('LONE_SURROGATE');
    expect(checkJsonText('{"name":"abc\\ud83d"}')?.code).toBe('LONE_SURROGATE');
    expect(checkJsonText('{"name":"\\ud83d\\ude00 链城"}')).toBeNull();
    expect(checkJsonText('{"name":"😀 \\u94fe\\u57ce \\\\ud800"}')).toBeNull(); // an escaped backslash, then text
  });

  it('agrees with JSON.parse + a walk on any value JSON.stringify writes', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 40 }), (v) => {
        const text = JSON.stringify(v);
        expect(checkJsonText(text, 6)?.code === 'JSON_TOO_DEEP').toBe(depthOf(v) > 6);
      }),
      { numRuns: 300 },
    );
  });

  it('is linear in the body: a 16 MB string of escapes is checked in one pass', () => {
    const body = `{"s":"${'\\n'.repeat(8 * 1024 * 1024)}"}`;
    expect(checkJsonText(body)).toBeNull();
  });
});

describe('charset', () => {
  it('reads the charset parameter', () => {
    expect(charsetOf('application/json')).toBeUndefined();
    expect(charsetOf('application/json; charset=UTF-8')).toBe('utf-8');
    expect(charsetOf('application/json;charset="utf-16"')).toBe('utf-16');
  });
  it('accepts only UTF-8 (or none)', () => {
    expect(isUtf8Charset(undefined)).toBe(true);
    expect(isUtf8Charset('utf-8')).toBe(true);
    expect(isUtf8Charset('utf8')).toBe(true);
    expect(isUtf8Charset('utf-16')).toBe(false);
    expect(isUtf8Charset('iso-8859-1')).toBe(false);
  });
});
