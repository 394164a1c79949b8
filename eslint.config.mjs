// Root ESLint flat config. Module boundaries and the house rules live here; a project
// adds nothing of its own unless it truly differs.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/** Packages a framework-free lib (type:domain, type:util) may never import. */
const FRAMEWORK_AND_IO = [
  '@nestjs/*',
  'nats',
  '@nats-io/*',
  'pg',
  '@prisma/*',
  'prisma',
  'modesl',
  'drachtio-modesl',
  'express',
  '@grpc/*',
];

/** Subject-like literals (`<ns>.evt.call.x`, `<ns>.rpc.agent.health`) belong in libs/contracts. */
const SUBJECT_LITERAL = '/(^|\\.)(evt|rpc)\\.[a-z]/';

export default [
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/generated',
      '**/tmp',
      '**/coverage',
      '**/*.cjs',
      '**/*.mjs',
      '**/lint-fixtures/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Apps never import apps; they talk through libs/contracts over NATS.
            { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app', 'type:e2e'] },
            // End-to-end tests start real apps side by side: the one place that imports apps.
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:app', 'type:data-access', 'type:domain', 'type:util'],
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util'],
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
              bannedExternalImports: FRAMEWORK_AND_IO,
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:campaign', onlyDependOnLibsWithTags: ['scope:campaign', 'scope:shared'] },
            { sourceTag: 'scope:dialer', onlyDependOnLibsWithTags: ['scope:dialer', 'scope:shared'] },
            { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['scope:agent', 'scope:shared'] },
            { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:reporting', 'scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:telephony', onlyDependOnLibsWithTags: ['scope:telephony', 'scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      // Import a lib from its root only, never a deep path.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@autotelesale/*/*'], message: 'Import a lib from its root (@autotelesale/<lib>).' },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // Strict mode is on; a `!` marks a checked invariant, not a shortcut.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // apps/e2e (and the demo's integration tests) start the real apps side by side, so they
    // must import them; Nx's rule forbids importing an application project outright (tags
    // cannot allow it), so the rule is off here and only here. Apps themselves still may
    // never import apps or e2e, and the demo's own code talks to the stack over HTTP only.
    files: ['apps/e2e/**/*.ts', 'apps/demo/**/*.int-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // A NATS subject is written in exactly one place: libs/contracts.
    files: ['**/*.ts'],
    ignores: ['libs/contracts/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${SUBJECT_LITERAL}]`,
          message: 'NATS subjects are built in libs/contracts (createTopology), never written here.',
        },
        {
          selector: `TemplateElement[value.raw=${SUBJECT_LITERAL}]`,
          message: 'NATS subjects are built in libs/contracts (createTopology), never written here.',
        },
      ],
    },
  },
  prettier,
];
