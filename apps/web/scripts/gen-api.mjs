// Regenerates src/api/schema.d.ts from the API's OpenAPI document, so a contract change breaks
// the web build instead of the user. Compiles the server to a temporary folder, builds the Nest app
// (it prepares and uses the database at DATABASE_URL, default a scratch database it drops),
// asks Swagger for the document and runs openapi-typescript on it.
// Usage: node apps/web/scripts/gen-api.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
// Inside node_modules so the compiled server resolves its packages.
const out = join(repo, 'node_modules', '.cache', 'lc-openapi');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => join(repo, 'node_modules', '.bin', name);

try {
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', out, '--incremental', 'false'], {
    cwd: repo,
    stdio: 'inherit',
  });
} catch {
  console.warn('tsc reported errors; using what it emitted');
}

const require = createRequire(import.meta.url);
process.env.LOG_LEVEL = 'silent';
process.env.SERVE_WEB = 'false';
require('reflect-metadata');
// The server `npm start` would use (the embedded one when there is no other), and on it a scratch
// database unless DATABASE_URL names one (checkouts of different branches must not share one).
const { resolveDatabase, withDatabaseName, EMBEDDED } = require(join(out, 'libs/db/embedded.js'));
const server = await resolveDatabase(process.env);
const scratch =
  process.env.DATABASE_URL && process.env.DATABASE_URL !== EMBEDDED
    ? undefined
    : withDatabaseName(server.url, `liancheng_openapi_gen_${Date.now()}_${process.pid}`);
process.env.DATABASE_URL = scratch ?? server.url;
const { prepareDatabase } = require(join(out, 'libs/db/prepare.js'));
const { dropDatabase } = require(join(out, 'libs/db/database.js'));
await prepareDatabase(process.env.DATABASE_URL, () => undefined);
const { createApp, buildOpenApiDocument } = require(join(out, 'apps/api/src/bootstrap.js'));
const { loadConfig } = require(join(out, 'libs/config/config.js'));

const app = await createApp(loadConfig(process.env));
const document = buildOpenApiDocument(app);
const file = join(out, 'openapi.json');
writeFileSync(file, JSON.stringify(document, null, 2));
await app.close();
if (scratch) await dropDatabase(scratch);
await server.stop();
execFileSync(bin('openapi-typescript'), [file, '-o', join(repo, 'apps/web/src/api/schema.d.ts')], {
  cwd: repo,
  stdio: 'inherit',
});
console.log(`paths: ${Object.keys(document.paths).length}`);
process.exit(0);
