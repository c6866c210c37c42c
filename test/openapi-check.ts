import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { createApp } from '../apps/api/src/bootstrap';
import { loadConfig } from '../libs/config/config';
import { dropDatabase } from '../libs/db/database';
import { EMBEDDED, resolveDatabase, withDatabaseName } from '../libs/db/embedded';
import { prepareDatabase } from '../libs/platform/prepare-database';

/**
 * Writes the OpenAPI document the API serves to dist/openapi.json. CI then lints it
 * with Spectral (OWASP ruleset, .spectral.yaml) and compiles a typed partner example against a
 * client generated from it (`npm run check:openapi`).
 */
async function main(): Promise<void> {
  // The server `npm start` would use (the embedded one when there is no other), and on it a
  // scratch database of its own unless DATABASE_URL names one: checkouts of different branches on
  // one server must not migrate a shared database back and forth.
  const server = await resolveDatabase(process.env);
  try {
    await writeDocument(server.url);
  } finally {
    await server.stop();
  }
}

async function writeDocument(serverUrl: string): Promise<void> {
  const given = process.env.DATABASE_URL && process.env.DATABASE_URL !== EMBEDDED;
  const scratch = given
    ? undefined
    : withDatabaseName(serverUrl, `liancheng_openapi_${Date.now()}_${process.pid}`);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: scratch ?? serverUrl,
    LOG_LEVEL: 'silent',
    SERVE_WEB: 'false',
  });
  await prepareDatabase(config.databaseUrl);
  const app = await createApp(config);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const res = await fastify.inject({ method: 'GET', url: '/api/docs-json' });
  if (res.statusCode !== 200) throw new Error(`GET /api/docs-json: ${res.statusCode}`);
  const out = resolve(process.env.OPENAPI_OUT ?? 'dist/openapi.json');
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(JSON.parse(res.body), null, 2));
  process.stdout.write(`wrote ${out}\n`);
  await app.close();
  if (scratch) await dropDatabase(scratch);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
