import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { isGap, layoutChain } from './chain-layout';
import { toCsv } from './csv';
import { allowedFromError, describeError, formFieldErrors } from './errors';

describe('error messages', () => {
  it('names the fields the server rejected, with the form labels', () => {
    const e = new ApiError(400, {
      message: 'Validation failed',
      details: [
        { field: 'investor.uscc', message: 'investor.uscc is not a valid USCC' },
        { field: 'segments', message: 'unknown segment x' },
      ],
    });
    expect(describeError('zh', e)).toBe(
      '统一社会信用代码：investor.uscc is not a valid USCC；产业链环节：unknown segment x',
    );
    expect(formFieldErrors('en', e)[0].name).toEqual(['investor', 'uscc']);
  });

  it('explains a version conflict with the current version', () => {
    expect(describeError('en', new ApiError(412, { code: 'VERSION_MISMATCH', currentVersion: 7 }))).toMatch(
      /now version 7/,
    );
  });

  it('says when to retry after a limit, and what a sign-in outage means', () => {
    const limited = new ApiError(429, { code: 'LOGIN_RATE_LIMITED', retryAfterSeconds: 840 });
    expect(describeError('zh', limited)).toBe('登录失败次数过多，请 14 分钟后再试');
    expect(describeError('en', new ApiError(429, { code: 'RATE_LIMITED', retryAfterSeconds: 12 }))).toBe(
      'Too many requests; try again in 12 s',
    );
    expect(describeError('zh', new ApiError(503, { code: 'LOGIN_UNAVAILABLE' }))).toMatch(/登录服务暂时不可用/);
    expect(describeError('en', new ApiError(413, { details: [{ field: 'body', message: 'too large' }] }))).toBe(
      'What you sent is too large',
    );
  });

  it('reads the allowed stages of a 409', () => {
    expect(allowedFromError(new ApiError(409, { allowed: ['lost'] }))).toEqual(['lost']);
    expect(allowedFromError(new ApiError(409, { allowedStages: ['on_hold'] }))).toEqual(['on_hold']);
  });
});

describe('chain map', () => {
  it('marks a gap when one city has enterprises and the other none', () => {
    expect(isGap({ beibei: 0, mianyang: 3 })).toBe(true);
    expect(isGap({ beibei: 2, mianyang: 3 })).toBe(false);
    expect(isGap({ beibei: 0, mianyang: 0 })).toBe(false);
  });

  it('lays upstream left of midstream left of downstream', () => {
    const pos = layoutChain([
      { code: 'a', industry: 'x', stage: 'downstream', name: 'a', nameEn: 'a' },
      { code: 'b', industry: 'x', stage: 'upstream', name: 'b', nameEn: 'b' },
      { code: 'c', industry: 'x', stage: 'midstream', name: 'c', nameEn: 'c' },
    ]);
    const x = Object.fromEntries(pos.map((p) => [p.code, p.x]));
    expect(x.b).toBeLessThan(x.c);
    expect(x.c).toBeLessThan(x.a);
  });
});

describe('CSV export', () => {
  it('quotes commas and quotes and starts with a BOM for Excel', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"']])).toBe('\uFEFFa,b\r\n"x,y","say ""hi"""\r\n');
  });
});
