import { NestFactory } from '@nestjs/core';
import { JobRunner } from '../../apps/worker/src/job-runner';
import { OutboxRelay } from '../../apps/worker/src/outbox-relay';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import type { AppConfig } from '../../libs/config/config';
import { QueueRegistry } from '../../libs/platform/queues';

/**
 * The real worker (JobRunner + OutboxRelay) in-process, on the test's database and its own queue
 * prefix so that other suites sharing the local Redis never take these jobs.
 */
export async function startWorker(config: AppConfig) {
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  const runner = ctx.get(JobRunner);
  runner.start();
  const queues = new QueueRegistry(config.redisUrl, config.queuePrefix, 'worker');
  const relay = ctx.get(OutboxRelay);
  relay.start(queues);
  return {
    async close() {
      await relay.stop();
      await runner.stop();
      await queues.close();
      await ctx.close();
    },
  };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 90_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
