/**
 * Compiles test/openapi-check.ts, and only it, to dist/test/openapi-check.js, next to the server
 * build (`npm run build:server`, part of `npm run build`) whose modules it loads from there: the
 * check then costs no second compile of the whole server. Types are checked by `npm run typecheck`
 * (tsconfig.json includes test/), so this only strips them.
 */
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('fs');
const { join } = require('path');
const ts = require('typescript');

const root = join(__dirname, '..');
const server = join(root, 'dist', 'apps', 'api', 'src', 'bootstrap.js');
if (!existsSync(server)) {
  console.error(`${server} is missing: run \`npm run build:server\` first`);
  process.exit(1);
}
const source = join(__dirname, 'openapi-check.ts');
const { outputText, diagnostics } = ts.transpileModule(readFileSync(source, 'utf8'), {
  fileName: source,
  reportDiagnostics: true,
  compilerOptions: {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    isolatedModules: true,
  },
});
if (diagnostics && diagnostics.length) {
  console.error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
  process.exit(1);
}
mkdirSync(join(root, 'dist', 'test'), { recursive: true });
writeFileSync(join(root, 'dist', 'test', 'openapi-check.js'), outputText);
