import { createServer } from 'net';
import { ConfigError, loadConfig, loadConfigAtBoot, tcpAnswers } from './config';

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
    [{ QUEUE_BACKEND: 'rabbitmq' }, 'QUEUE_BACKEND'],
    [{ QUEUE_BACKEND: 'Redis' }, 'QUEUE_BACKEND'],
    [{ QUEUE_SCHEMA: 'queue; DROP TABLE leads' }, 'QUEUE_SCHEMA'],
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

describe('queue backend (QUEUE_BACKEND)', () => {
  it.each([
    // [env, what the boot probe found (undefined: no probe), backend]
    [{}, undefined, 'redis'],
    [{}, { localRedis: true }, 'redis'],
    [{}, { localRedis: false }, 'postgres'],
    [{ REDIS_URL: 'redis://cache.internal:6379' }, { localRedis: false }, 'redis'],
    [{ QUEUE_BACKEND: 'postgres' }, { localRedis: true }, 'postgres'],
    [{ QUEUE_BACKEND: 'postgres', REDIS_URL: 'redis://cache.internal:6379' }, undefined, 'postgres'],
    [{ QUEUE_BACKEND: 'redis' }, { localRedis: false }, 'redis'],
    [{ QUEUE_BACKEND: '' }, { localRedis: false }, 'postgres'],
  ] as const)('%j with probe %j: %s', (env, probe, backend) => {
    expect(loadConfig({ ...env }, probe).queueBackend).toBe(backend);
  });

  it('keeps the postgres queue in schema lc_queue unless QUEUE_SCHEMA names another', () => {
    expect(loadConfig({}).queueSchema).toBe('lc_queue');
    expect(loadConfig({ QUEUE_SCHEMA: 'queue_test_1' }).queueSchema).toBe('queue_test_1');
  });

  it('at boot probes 127.0.0.1:6379 only when neither QUEUE_BACKEND nor REDIS_URL decides', async () => {
    const asked: string[] = [];
    const probe = (answer: boolean) => async (host: string, port: number) => {
      asked.push(`${host}:${port}`);
      return answer;
    };
    expect((await loadConfigAtBoot({}, probe(false))).queueBackend).toBe('postgres');
    expect((await loadConfigAtBoot({}, probe(true))).queueBackend).toBe('redis');
    expect(asked).toEqual(['127.0.0.1:6379', '127.0.0.1:6379']);
    expect((await loadConfigAtBoot({ QUEUE_BACKEND: 'redis' }, probe(false))).queueBackend).toBe('redis');
    expect((await loadConfigAtBoot({ REDIS_URL: 'redis://127.0.0.1:6390' }, probe(false))).queueBackend).toBe(
      'redis',
    );
    expect(asked).toHaveLength(2);
  });

  it('the TCP probe answers true for a listening port and false for a closed one, quickly', async () => {
    const srv = createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    expect(await tcpAnswers('127.0.0.1', port)).toBe(true);
    await new Promise<void>((r) => srv.close(() => r()));
    expect(await tcpAnswers('127.0.0.1', port)).toBe(false);
  });
});
