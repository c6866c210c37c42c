/** Unit specs beside the code; end-to-end specs in test/ against real Postgres and Redis. */
// NestJS 12 ships ES modules only. Node 20 loads them through require(esm), but Jest's module
// runtime cannot before Node 24.9, so Jest compiles those packages to CommonJS with Babel.
// CommonJS packages that load others with import(): the same plugin turns that into require().
const DYNAMIC_IMPORTERS = ['@fastify/cookie', 'fastify'];
const ESM_PACKAGES = [...esmOnlyPackages(), ...DYNAMIC_IMPORTERS];

function esmOnlyPackages() {
  const fs = require('fs');
  const path = require('path');
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const visit = (name) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    } catch {
      /* not a package */
    }
  };
  for (const entry of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@'))
      for (const sub of fs.readdirSync(path.join(root, entry))) visit(`${entry}/${sub}`);
    else visit(entry);
  }
  return names;
}
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  '^.+\\.m?js$': [
    'babel-jest',
    {
      babelrc: false,
      configFile: false,
      plugins: [
        require.resolve('./test/support/babel-esm-interop.js'),
        '@babel/plugin-transform-modules-commonjs',
      ],
    },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`];
const moduleNameMapper = { '^@lc/(.*)$': '<rootDir>/libs/$1' };

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/libs', '<rootDir>/apps/api', '<rootDir>/apps/worker'],
      testMatch: ['**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/env.ts'],
    },
  ],
};
