import { etag, parseIfMatch, preconditionFailed } from './concurrency';

describe('If-Match', () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    ['W/"12"', 12],
    [' "7" ', 7],
  ])('parses %s', (h, v) => expect(parseIfMatch(h)).toBe(v));

  it('answers 428 when missing', () => {
    for (const h of [undefined, '', '  ']) {
      try {
        parseIfMatch(h);
        throw new Error('expected an error');
      } catch (e) {
        expect((e as { getStatus(): number }).getStatus()).toBe(428);
      }
    }
  });

  it.each(['"abc"', '"-1"', '"0"', '*', '"1", "2"'])('answers 400 for %s', (h) => {
    try {
      parseIfMatch(h);
      throw new Error('expected an error');
    } catch (e) {
      expect((e as { getStatus(): number }).getStatus()).toBe(400);
    }
  });

  it('412 carries the current version; etag quotes it', () => {
    const e = preconditionFailed(5);
    expect(e.getStatus()).toBe(412);
    expect(e.getResponse()).toMatchObject({ currentVersion: 5, code: 'VERSION_MISMATCH' });
    expect(etag(5)).toBe('"5"');
  });
});
