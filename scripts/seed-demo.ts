import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../libs/config/config';
import { dataSourceOptions } from '../libs/db/database';
import { resolveDatabase } from '../libs/db/embedded';
import { prepareDatabase } from '../libs/platform/prepare-database';
import { DEMO_USERS, seedDemo } from '../libs/demo/demo-seed';

/**
 * `npm run seed:demo` (DESIGN §13): prepares the database `npm start` uses (DATABASE_URL, the
 * server on 127.0.0.1:5432 or the embedded one: libs/db/embedded.ts), i.e. creates it, migrates,
 * loads reference data, and adds the demo users and data. Idempotent.
 * The demo password comes from DEMO_PASSWORD (default `liancheng-demo`).
 */
async function main(): Promise<void> {
  const database = await resolveDatabase(process.env, { log: (m) => console.log(m) });
  try {
    await seed(database.url);
  } finally {
    await database.stop();
  }
}

async function seed(databaseUrl: string): Promise<void> {
  let config;
  try {
    config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exitCode = 78;
      return;
    }
    throw e;
  }
  const password = process.env.DEMO_PASSWORD || 'liancheng-demo';
  const started = Date.now();
  const where = new URL(config.databaseUrl);
  console.log(`Liancheng demo seed → ${where.host}${where.pathname}`);
  await prepareDatabase(config.databaseUrl, (m) => console.log(`  ${m}`));

  const ds = new DataSource(dataSourceOptions(config.databaseUrl, { extra: { max: 2 } }));
  await ds.initialize();
  try {
    const result = await seedDemo(ds, { password, log: (m) => console.log(`  ${m}`) });
    const total = result.users.created + result.enterprises.created + result.leads.created;
    console.log(
      total
        ? `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`
        : 'Nothing to do: the demo data is already there.',
    );
    console.log(
      `Demo users (password ${process.env.DEMO_PASSWORD ? 'from DEMO_PASSWORD' : '"liancheng-demo"'}): ` +
        DEMO_USERS.map((u) => `${u.username} (${u.jurisdiction} ${u.role})`).join(', '),
    );
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => {
  console.error(`Demo seed failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
