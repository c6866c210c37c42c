import { Client, types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

// Calendar dates (`date` columns: the days of lead milestones) stay the 'YYYY-MM-DD' text Postgres
// sends; node-pg would turn them into Date objects at local midnight, a day off in other zones.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

export function dataSourceOptions(
  databaseUrl: string,
  extra: Partial<DataSourceOptions> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: { max: Number(process.env.DB_POOL_SIZE ?? 20), application_name: 'liancheng' },
    ...extra,
  } as DataSourceOptions;
}

/** Creates the database named in the URL when it does not exist yet (DESIGN §13, first start). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (e) {
      // Two processes starting at once (the API and the worker of `npm start` on a new server):
      // the other one created it. PostgreSQL says so as 42P04, or, when both got past its own
      // check at once, as a unique violation in pg_database.
      if (!['42P04', '23505'].includes((e as { code?: string }).code ?? '')) throw e;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs pending migrations under an advisory lock so concurrent starts do not race. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(databaseUrl, { extra: { max: 2 } }));
  await ds.initialize();
  try {
    await ds.query('SELECT pg_advisory_lock(727001)');
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await ds.query('SELECT pg_advisory_unlock(727001)');
    }
  } finally {
    await ds.destroy();
  }
}
