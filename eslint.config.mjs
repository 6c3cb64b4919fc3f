// Type-checked ESLint for TypeScript (STYLE.md habit 14); the module walls are .dependency-cruiser.mjs's (npm run deps).
// Plain JavaScript (.mjs: bench, chaos, scripts, bin) gets the recommended rules without types.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // examples/ are outside the workspace (their own package.json and dependencies, the client from npm pack).
  {
    ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'chaos/artifacts/**', 'examples/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
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
    // Plain JavaScript, type-checked through tsconfig.scripts.json (allowJs). Last come eslint's own checks, which
    // typescript-eslint turns off because tsc covers them in TypeScript (no-undef, getter-return, ...).
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.recommendedTypeChecked, js.configs.recommended],
    languageOptions: {
      globals: globals.node,
      parserOptions: { project: './tsconfig.scripts.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Untyped JavaScript: every JSON.parse, child-process message and fetch body is `any`, so these would flag
      // nearly every line; the promise, template and method checks above still use the inferred types.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Its declaration file (infra.d.mts, for the TypeScript tests) shadows it in any program, so no types here.
    files: ['scripts/infra.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.mts'],
    extends: [tseslint.configs.recommended],
  },
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
