import { prepareDatabase } from '../../libs/platform/prepare-database';
import { copyDatabase } from './databases';

/**
 * Fresh databases per test run (never a database a person uses): a template with the migrations
 * applied, and a copy of it for each Jest worker (env.ts picks the worker's own), so suites that
 * run at the same time never share tables. Suites' scratch databases are copies of the template
 * too (support/matching-worker.ts). The URLs reach the test workers through the environment they
 * inherit, so concurrent runs on one machine never share or drop each other's databases.
 */
export default async function globalSetup(globalConfig: { maxWorkers?: number | string }): Promise<void> {
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const run = `${base}/liancheng_test_${Date.now()}_${process.pid}`;
  const template = `${run}_template`;
  await prepareDatabase(template);
  const workers = Math.max(1, Number(globalConfig.maxWorkers) || 1);
  const urls: string[] = [];
  for (let i = 1; i <= workers; i++) {
    urls.push(`${run}_w${i}`);
    await copyDatabase(template, urls[i - 1]);
  }
  process.env.LC_E2E_TEMPLATE_URL = template;
  process.env.LC_E2E_DATABASE_URLS = urls.join(' ');
  process.env.LC_E2E_DATABASE_URL = urls[0];
}
