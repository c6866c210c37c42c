import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../../apps/api/src/bootstrap';
import { AppConfig, loadConfig } from '../../libs/config/config';

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
  const ds = app.get<DataSource>(getDataSourceToken());
  return {
    app,
    http: request(app.getHttpServer()),
    ds,
    config,
    close: () => app.close(),
  };
}
