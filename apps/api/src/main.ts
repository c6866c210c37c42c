import 'reflect-metadata';
import { ConfigError, loadConfigAtBoot } from '../../../libs/config/config';
import { prepareDatabase } from '../../../libs/platform/prepare-database';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfigAtBoot();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  await prepareDatabase(config.databaseUrl, (m) =>
    process.stdout.write(`${JSON.stringify({ level: 30, msg: m })}\n`),
  );
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(
    `${JSON.stringify({ level: 30, msg: `Liancheng API listening on http://${config.host}:${config.port}` })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`Liancheng API failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
