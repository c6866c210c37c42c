import { prepareDatabase } from '../../libs/db/prepare';

/**
 * A fresh database per test run, migrations applied (never a database a person uses).
 * The URL reaches the test workers through the environment they inherit, so concurrent runs
 * on one machine never share or drop each other's database.
 */
export default async function globalSetup(): Promise<void> {
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const url = `${base}/liancheng_test_${Date.now()}_${process.pid}`;
  await prepareDatabase(url);
  process.env.LC_E2E_DATABASE_URL = url;
}
