import { writeFileSync } from 'fs';
import { join } from 'path';
import { prepareDatabase } from '../../libs/db/prepare';

export const STATE_FILE = join(__dirname, '..', '..', 'node_modules', '.cache', 'liancheng-e2e.json');

/** A fresh database per test run, migrations applied (never a database a person uses). */
export default async function globalSetup(): Promise<void> {
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const name = `liancheng_test_${Date.now()}_${process.pid}`;
  const url = `${base}/${name}`;
  await prepareDatabase(url);
  const { mkdirSync } = await import('fs');
  mkdirSync(join(STATE_FILE, '..'), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ databaseUrl: url }));
  process.env.DATABASE_URL = url;
}
