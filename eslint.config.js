// ESLint: JavaScript's and typescript-eslint's recommended rules everywhere, the Rules of Hooks
// on the PWA's React code. `npm run lint` (part of `npm test`) fails on any finding.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig([
  globalIgnores(['dist/', 'dev-dist/', 'dist-bench/', 'bench/results/', 'coverage/', 'data/', 'tmp/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      globals: { ...globals.browser, ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The TypeScript convention tsc's noUnusedParameters follows too: a leading _ marks a
      // parameter a signature needs but the body does not; `{ omitted, ...rest }` drops a key.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests build hostile and legacy bodies on purpose, and migrations read tables of past schema
    // versions through Kysely<any> (Kysely's documented pattern): `any` is the honest type there.
    files: ['tests/**', 'src/server/db/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    rules: {
      // Tells which components the React Compiler would skip; the app does not use the compiler.
      'react-hooks/incompatible-library': 'off',
    },
  },
]);
