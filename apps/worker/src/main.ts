import { sqlRows } from '../../../libs/db/sql';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfigAtBoot } from '../../../libs/config/config';
import { prepareDatabase } from '../../../libs/platform/prepare-database';
import { QUEUE_REGISTRY, QueueRegistry } from '../../../libs/platform/queues';
import { createRedis, evictionPolicy } from '../../../libs/platform/redis';
import { DataSource } from 'typeorm';
import { WorkerHeartbeat, heartbeatFile } from './heartbeat';
import { JobRunner } from './job-runner';
import { OutboxRelay } from './outbox-relay';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfigAtBoot();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  await prepareDatabase(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();

  if (config.queueBackend === 'redis') {
    const probe = createRedis(config.redisUrl, 'worker', 'worker-probe');
    const policy = await evictionPolicy(probe);
    if (policy && policy !== 'noeviction') {
      logger.warn(`Redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued jobs may be lost`);
    }
    probe.disconnect();
  }

  const runner = app.get(JobRunner);
  runner.start();
  const queues = app.get<QueueRegistry>(QUEUE_REGISTRY);
  const relay = app.get(OutboxRelay);
  relay.start(queues);
  const ds = app.get(DataSource);
  // On PostgreSQL the queue store is the database: its check is the database's.
  const redis =
    config.queueBackend === 'redis' ? createRedis(config.redisUrl, 'producer', 'worker-heartbeat') : null;
  const heartbeat = new WorkerHeartbeat(heartbeatFile(), async () => {
    if (!runner.running()) return false;
    await Promise.all([redis?.ping(), sqlRows(ds, 'SELECT 1')]);
    return true;
  });
  heartbeat.start();
  logger.log(
    `Liancheng worker started (queues on ${config.queueBackend}, concurrency ${config.workerConcurrency})`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing active jobs`);
    heartbeat.stop();
    redis?.disconnect();
    await relay.stop();
    await runner.stop();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`Liancheng worker failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
