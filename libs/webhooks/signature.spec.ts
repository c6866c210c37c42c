import { signPayload, verifySignature } from './signature';
import { webhookRetryDelay } from './retry-policy';

describe('webhook signature', () => {
  const body = JSON.stringify({ id: 'e1', type: 'lead.created', data: { a: 1 } });

  it('signs t.body with HMAC-SHA256 and verifies', () => {
    const header = signPayload('s3cret', body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', body, header)).toBe(true);
  });

  it('rejects another secret, a changed body, a changed timestamp, garbage', () => {
    const header = signPayload('s3cret', body, 1_700_000_000);
    expect(verifySignature('other', body, header)).toBe(false);
    expect(verifySignature('s3cret', body + ' ', header)).toBe(false);
    expect(verifySignature('s3cret', body, header.replace('t=1700000000', 't=1700000001'))).toBe(false);
    expect(verifySignature('s3cret', body, 'v1=abc')).toBe(false);
    expect(verifySignature('s3cret', body, undefined)).toBe(false);
  });

  it('bounds the age when asked', () => {
    const header = signPayload('k', body, 1000);
    expect(verifySignature('k', body, header, { toleranceSeconds: 300, now: 1200 })).toBe(true);
    expect(verifySignature('k', body, header, { toleranceSeconds: 300, now: 1400 })).toBe(false);
  });
});

describe('webhook retry delay', () => {
  it('doubles from 30 s and caps at 6 h; 20 attempts span more than 24 h', () => {
    expect(webhookRetryDelay(1, 30_000)).toBe(30_000);
    expect(webhookRetryDelay(2, 30_000)).toBe(60_000);
    expect(webhookRetryDelay(30, 30_000)).toBe(6 * 3600_000);
    let total = 0;
    for (let a = 1; a < 20; a++) total += webhookRetryDelay(a, 30_000);
    expect(total).toBeGreaterThan(24 * 3600_000);
  });
});
