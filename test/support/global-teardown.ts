import { dropDatabase } from '../../libs/db/database';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.LC_E2E_DATABASE_URL;
  if (url && process.env.KEEP_TEST_DB !== 'true') await dropDatabase(url);
}
