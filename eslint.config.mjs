import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/.var',
      '**/tmp',
      '**/coverage',
      '**/.nx',
      // Written by openapi-typescript (nx run api-client:generate).
      'libs/api-client/src/generated',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.mts'],
    rules: {
      // The dependency direction of docs/ARCHITECTURE.md: apps -> flow libs -> flow-runtime /
      // route53 / persistence. Nothing may import an app; the type:infra libs import nothing of ours.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:flow', 'type:infra', 'type:testing', 'type:shared'],
            },
            { sourceTag: 'type:flow', onlyDependOnLibsWithTags: ['type:infra', 'type:testing'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [] },
            // Browser tests drive the built apps from outside, as a person does.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing'] },
            // The browser app reaches the api only through the generated client; nothing of the
            // server side (Nest, TypeORM, BullMQ) can end up in its bundle.
            { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:api-client', 'type:shared'] },
            { sourceTag: 'type:api-client', onlyDependOnLibsWithTags: [] },
            // Pure TypeScript both the api and the browser run (the record rules): it imports
            // nothing of the workspace, so nothing server-side reaches the browser through it.
            { sourceTag: 'type:shared', onlyDependOnLibsWithTags: [] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The browser app: the rules of hooks, and accessibility checked as it is written.
    files: ['apps/web/**/*.tsx', 'apps/web/**/*.ts'],
    ...jsxA11y.flatConfigs.recommended,
    plugins: { ...jsxA11y.flatConfigs.recommended.plugins, 'react-hooks': reactHooks },
    rules: {
      ...jsxA11y.flatConfigs.recommended.rules,
      ...reactHooks.configs.flat.recommended.rules,
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'tools/**/*.ts', 'tools/**/*.mjs', '**/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Build config, not source: every project's webpack config builds on the shared one at the root.
    files: ['**/webpack.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  prettier,
];
