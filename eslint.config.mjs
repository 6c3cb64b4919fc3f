// Type-checked ESLint (STYLE.md habit 14) plus the module boundaries: apps never import each other, libs only by root alias.
import tseslint from 'typescript-eslint';

const apps = ['gateway', 'auth-service', 'webhook-ingest', 'sync-service', 'cli'];

const appBoundaries = apps.map((app) => ({
  files: [`apps/${app}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: apps.filter((other) => other !== app).map((other) => `**/${other}/**`),
            message: 'Apps never import each other: talk over NATS through @shelflink/contracts.',
          },
          { group: ['@shelflink/*/*'], message: 'Import libs through their root alias only (@shelflink/<lib>).' },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.mjs', '**/*.js', '**/*.d.mts'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest modules and DI tokens are classes without members by design.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Nest handlers and interface implementations are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**'], message: 'Libs never import apps.' },
            { group: ['@shelflink/*/*'], message: 'Root alias only.' },
          ],
        },
      ],
    },
  },
  ...appBoundaries,
  {
    // A config class is the DI token and its merged interface is the validated shape.
    files: ['apps/*/src/config/*.config.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts'],
    rules: {
      // Jest matchers (expect.any) are typed as any; the tests stay strict otherwise.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
