import { existsSync, readFileSync, unlinkSync } from 'fs';
import { dropDatabase } from '../../libs/db/database';
import { STATE_FILE } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const { databaseUrl } = JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  unlinkSync(STATE_FILE);
  if (process.env.KEEP_TEST_DB !== 'true') await dropDatabase(databaseUrl);
}
