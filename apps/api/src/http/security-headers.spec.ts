import { securityHeaders } from './security-headers';

describe('security headers (DESIGN §11)', () => {
  it('over plain HTTP: a strict policy, no HSTS, no upgrade of script URLs', () => {
    const h = securityHeaders(false);
    expect(h['content-security-policy']).toContain("default-src 'self'");
    expect(h['content-security-policy']).toContain("script-src 'self'");
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(h['strict-transport-security']).toBeUndefined();
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('over HTTPS: HSTS for a year and upgrade-insecure-requests', () => {
    const h = securityHeaders(true);
    expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(h['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
