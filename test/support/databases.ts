import { Client } from 'pg';
import { prepareDatabase } from '../../libs/platform/prepare-database';

/**
 * The run's e2e databases (made by global-setup.ts): one migrated template, and a copy of it per
 * Jest worker, so suites running at the same time never see each other's rows (each worker runs
 * its suites one after another on its own database, as a one-worker run does on its one database).
 */

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const nameOf = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));

/**
 * `CREATE DATABASE … TEMPLATE`: a migrated, seeded database in well under a second, where running
 * the migrations takes seconds. PostgreSQL refuses while anyone is connected to the template
 * (55006); nobody uses it but the copies, so that is a copy of a moment ago: try again.
 */
export async function copyDatabase(templateUrl: string, url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quote(nameOf(url))} TEMPLATE ${quote(nameOf(templateUrl))}`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await client.end();
  }
}

/** The database of this Jest worker (JEST_WORKER_ID counts from 1; a run in band is worker 1). */
export function workerDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const urls = (env.LC_E2E_DATABASE_URLS ?? '').split(' ').filter(Boolean);
  if (!urls.length) return env.LC_E2E_DATABASE_URL;
  const worker = Math.max(1, Number(env.JEST_WORKER_ID ?? 1) || 1);
  return urls[(worker - 1) % urls.length];
}

/**
 * A migrated, seeded database at `url` (made anew: it must not exist yet): a copy of the run's
 * template when there is one, otherwise `prepareDatabase` (what a first start does).
 */
export async function migratedDatabase(url: string): Promise<void> {
  const template = process.env.LC_E2E_TEMPLATE_URL;
  if (template) await copyDatabase(template, url);
  else await prepareDatabase(url);
}
