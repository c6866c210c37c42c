import { DataSource } from 'typeorm';
import { loadReferenceData } from '../taxonomy/reference-seed';
import { dataSourceOptions, ensureDatabase, migrate } from '../db/database';

/**
 * First start (DESIGN §13): create the database if missing, run pending migrations, load the
 * reference seed idempotently. Safe to run from several processes at once.
 */
export async function prepareDatabase(
  databaseUrl: string,
  log: (msg: string) => void = () => undefined,
): Promise<void> {
  if (await ensureDatabase(databaseUrl)) log(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  const ran = await migrate(databaseUrl);
  if (ran.length) log(`ran migrations: ${ran.join(', ')}`);
  const ds = new DataSource(dataSourceOptions(databaseUrl, { extra: { max: 2 } }));
  await ds.initialize();
  try {
    const seed = await loadReferenceData(ds);
    if (seed.applied) log(`loaded reference data (${seed.parksChanged} parks changed)`);
  } finally {
    await ds.destroy();
  }
}
