// Shared jest settings. Every project's jest config calls this with its own folder, so
// tests run the TypeScript sources through swc (decorator metadata on, as NestJS needs)
// and resolve `@autotelesale/<lib>` to the lib's sources, exactly as tsconfig.base.json does.
const path = require('node:path');
const fs = require('node:fs');

const workspaceRoot = __dirname;
const swcrc = JSON.parse(fs.readFileSync(path.join(workspaceRoot, '.swcrc'), 'utf8'));
delete swcrc.$schema;

// The `@autotelesale/*` aliases, exactly as tsconfig.base.json declares them (one place).
const tsconfig = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));
const aliasMapper = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/\\-]/g, (c) => `\\${c}`)}$`,
    path.join(workspaceRoot, target),
  ]),
);

/**
 * @param {string} projectDir absolute path of the project (pass __dirname)
 * @param {{ kind?: 'unit' | 'integration', testTimeout?: number }} [options]
 */
function jestConfig(projectDir, options = {}) {
  const kind = options.kind ?? 'unit';
  const name = path.relative(workspaceRoot, projectDir);
  return {
    displayName: `${name} (${kind})`,
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: kind === 'unit' ? ['<rootDir>/**/*.spec.ts'] : ['<rootDir>/**/*.int-spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/', '/fixtures/'],
    transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, sourceMaps: 'inline', swcrc: false }] },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: {
      // Generated Prisma clients import their siblings as `./x.js` (ESM-style specifiers for .ts files).
      '^(\\.{1,2}/.*)\\.js$': '$1',
      ...aliasMapper,
    },
    testTimeout: options.testTimeout ?? (kind === 'unit' ? 10_000 : 60_000),
    setupFiles: [path.join(workspaceRoot, 'tools/jest-setup.cjs')],
  };
}

module.exports = { jestConfig, workspaceRoot };
