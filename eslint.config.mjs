// @ts-check
// Lint: typescript-eslint with type information over the sources and every test, and file-level
// import cycles refused. Formatting is Prettier's (eslint-config-prettier turns off the rules that
// would disagree with it). A rule of the recommended type-checked set is turned off or tuned below
// only with its reason.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Until every test file is in a build tsconfig, one lint-only program covers the sources and the
// tests (tsconfig.eslint.json). Once they are, `{ projectService: true }` takes its place.
const typeInformation = { project: ['./tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'bench/results/**', 'e2e/artifacts/**', 'data/**', '.nx/**'] },

  eslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: typeInformation },
    rules: {
      // The promises rules are the point of this config: every promise is awaited, handled, or
      // `void`ed where fire-and-forget is meant (with a comment saying why).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union names every member; a `default` does not excuse a new member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
      // The code writes `!` on indexed access as if noUncheckedIndexedAccess were on (327 of its 417 hits): turn
      // it on with that compiler option, which makes those `!` needed (the other 90 are `as` casts to remove).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // An `async` stand-in for a Promise-returning interface says what it returns and turns a throw into a
      // rejection; the promise rules above are the ones that catch lost promises.
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a parameter or binding kept for its position or shape (Express error handlers, destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },

  // Tests read JSON answers (`await res.json()`, cast `as any`) and hand them to expect(); typing each
  // one would add casts, not checks. The sources keep these rules.
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'tools/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Plain JavaScript (bench, tools/lockfile): no type information, the JavaScript rules only.
  { files: ['**/*.mjs', '**/*.js'], extends: [tseslint.configs.disableTypeChecked] },

  // File-level import cycles: refused inside each app and library (packages cannot form one: tsc -b
  // refuses circular project references).
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // The plugin's TypeScript file extensions and parser; without them it follows no .ts import.
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.eslint.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },

  prettier,
);
