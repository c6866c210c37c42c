import { dropDatabase } from '../../libs/db/database';

export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_TEST_DB === 'true') return;
  const urls = [
    ...(process.env.LC_E2E_DATABASE_URLS ?? process.env.LC_E2E_DATABASE_URL ?? '').split(' '),
    process.env.LC_E2E_TEMPLATE_URL ?? '',
  ].filter(Boolean);
  for (const url of urls) await dropDatabase(url);
}
