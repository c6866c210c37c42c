/**
 * Babel plugin for Jest only: lets ES-module-only packages (NestJS 12) run as CommonJS.
 * - `const require = createRequire(import.meta.url)` is dropped (CommonJS has `require`);
 * - any other `import.meta` becomes `{ url, filename, dirname }` of the file;
 * - `import(x)` becomes a promise of `require(x)` (Jest's CommonJS runtime has no dynamic import).
 */
module.exports = function esmInterop({ types: t, template }) {
  const meta = template.expression.ast(
    `({ url: require('url').pathToFileURL(__filename).href, filename: __filename, dirname: __dirname })`,
  );
  return {
    name: 'esm-interop',
    visitor: {
      VariableDeclarator(path) {
        const { id, init } = path.node;
        if (
          t.isIdentifier(id, { name: 'require' }) &&
          t.isCallExpression(init) &&
          t.isIdentifier(init.callee, { name: 'createRequire' })
        ) {
          path.remove();
        }
      },
      CallExpression(path) {
        if (path.node.callee.type === 'Import') {
          const [arg] = path.node.arguments;
          path.replaceWith(
            template.expression.ast`Promise.resolve().then(() => require(${t.cloneNode(arg, true)}))`,
          );
        }
      },
      MetaProperty(path) {
        if (path.node.meta.name === 'import' && path.node.property.name === 'meta') {
          path.replaceWith(t.cloneNode(meta, true));
        }
      },
    },
  };
};
