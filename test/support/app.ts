import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../../apps/api/src/bootstrap';
import { AppConfig, loadConfig } from '../../libs/config/config';
import { REDIS } from '../../libs/platform/redis';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  ds: DataSource;
  config: AppConfig;
  close(): Promise<void>;
}

/** The real API on the run's database and the local Redis. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ ...process.env, ...env });
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await redisConnected(app);
  const ds = app.get<DataSource>(getDataSourceToken());
  return {
    app,
    http: request(app.getHttpServer()),
    ds,
    config,
    close: () => app.close(),
  };
}

/**
 * The API connects to Redis in the background, and its request-path connection queues nothing
 * while not connected (it fails fast by design, DESIGN §12): a sign-in sent right after start on a
 * busy machine met "the rate-limit store is down" (503). Tests start once it is connected, or once
 * it is refused (suites that point REDIS_URL at a port where nothing listens), or after 15 s.
 */
async function redisConnected(app: NestFastifyApplication): Promise<void> {
  let redis: Redis | null = null;
  try {
    redis = app.get<Redis | null>(REDIS, { strict: false });
  } catch {
    return; // no Redis in this app
  }
  if (!redis || redis.status === 'ready') return;
  const client = redis;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', onError);
      resolve();
    };
    const onError = (e: { code?: string }) => {
      if (e?.code === 'ECONNREFUSED') done();
    };
    const timer = setTimeout(done, 15_000);
    client.on('ready', done);
    client.on('error', onError);
  });
}
