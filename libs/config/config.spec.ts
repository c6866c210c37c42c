import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/liancheng');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.port).toBe(3000);
    expect(c.apiRateLimit).toBe(6000);
    expect(c.jobLockMs).toBe(30_000);
    // Outside Docker the server answers this machine only until HOST says otherwise.
    expect(c.host).toBe('127.0.0.1');
    expect(c.operators).toEqual([]);
    expect(c.metricsToken).toBeNull();
    expect(c.publicUrl).toBeNull();
    expect(c.https).toBe(false);
    // No published signing key: unset outside production means "generate one" (libs/identity/signing-key.ts).
    expect(c.jwtSecret).toBeNull();
  });

  it('reads HOST, OPERATORS, METRICS_TOKEN and PUBLIC_URL', () => {
    const c = loadConfig({
      HOST: '0.0.0.0',
      OPERATORS: ' Admin , ops.zhang,',
      METRICS_TOKEN: 'a-metrics-token-of-length',
      PUBLIC_URL: 'https://crm.example.gov.cn',
    });
    expect(c.host).toBe('0.0.0.0');
    expect(c.operators).toEqual(['admin', 'ops.zhang']);
    expect(c.metricsToken).toBe('a-metrics-token-of-length');
    expect(c.https).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'http://10.1.2.3:3000' }).https).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ API_RATE_LIMIT: '-1' }, 'API_RATE_LIMIT'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ JOB_LOCK_MS: '500' }, 'JOB_LOCK_MS'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'liancheng.intranet' }, 'PUBLIC_URL'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', REDIS_URL: 'y' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
    }
  });

  it('accepts API_RATE_LIMIT=0 (off) and an allow-list of webhook hosts', () => {
    const c = loadConfig({ API_RATE_LIMIT: '0', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, LocalHost' });
    expect(c.apiRateLimit).toBe(0);
    expect(c.webhookAllowedHosts).toEqual(['127.0.0.1', 'localhost']);
  });
});
