// @ts-check
// Lint: typescript-eslint with type information over the sources and every test, and file-level
// import cycles refused. Formatting is Prettier's (eslint-config-prettier turns off the rules that
// would disagree with it). A rule of the recommended type-checked set is turned off or tuned below
// only with its reason.
import eslint from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Until every test file is in a build tsconfig, one lint-only program covers the sources and the
// tests (tsconfig.eslint.json). Once they are, `{ projectService: true }` takes its place.
const typeInformation = { project: ['./tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname };

// Imports let through by the module-boundaries rule, as regular expressions over the import path.
const testSupport = '^(\\.\\./)+tools/test/';
const configModules = '^(\\.\\./)+apps/[a-z-]+/src/config\\.js$';
const docsExamples = '^(\\.\\./)+tools/docs-examples/';

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

  // Module boundaries between projects, by the tags in each package.json's "nx" (and project.json):
  // type:lib imports only libs; a type:service (auth, gateway, registry) imports libs, never another
  // service; only the type:launcher (the embedded start) composes the services. scope:* says whose a
  // project is: a service reaches only its own scope and scope:shared (rate-limit is the gateway's).
  // The contracts (layer:contracts) stay light: no ORM, database driver, NATS client or Nest.
  // Nx also refuses a relative import into another project and a project importing itself by name.
  // What the rule cannot say (folder cycles inside a project, declared dependencies, tsconfig
  // references, type-only imports in the contracts) stays in tools/boundaries.test.ts.
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries()] },
  },
  // Tests (and the test support itself) may use the shared test support in tools/test by a relative
  // path: it is no package. Shipped code may not.
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'tools/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries([testSupport])] },
  },
  // e2e/ and tools/ also read each service's config module as it is (the docs checks compare its one
  // zod schema with docs/configuration.md), and the docs examples runner in tools/docs-examples.
  {
    files: ['e2e/**/*.ts', 'tools/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries([testSupport, configModules, docsExamples])] },
  },
  // tools/test starts the services from their source, by a relative path, so that Nx infers no
  // dependency of tools (which every project's tests use) on the services (see tools/project.json).
  {
    files: ['tools/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries([testSupport, configModules, docsExamples, '^\\.\\./\\.\\./apps/[a-z-]+/src/index\\.js$'])],
    },
  },

  prettier,
);

/** @param {string[]} allow imports let through (regular expressions, as the rule reads them) */
function moduleBoundaries(allow = []) {
  return {
    allow,
    banTransitiveDependencies: true,
    // tools/test uses the libraries, and the libraries' tests use tools/test: a ring at test time only
    // (no shipped file imports tools: the rule refuses it by the relative-import check above).
    ignoredCircularDependencies: [['tools', 'tag:type:lib']],
    depConstraints: [
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'type:launcher', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
      { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:lib', 'type:service', 'type:launcher'] },
      // The command line talks to the admin API over HTTP: it may share a library, never a service's code.
      { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:service', 'type:launcher', 'type:tools'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:auth', onlyDependOnLibsWithTags: ['scope:auth', 'scope:shared'] },
      { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
      { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:registry', 'scope:shared'] },
      { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:cli', 'scope:shared'] },
      { sourceTag: 'scope:embedded', onlyDependOnLibsWithTags: ['scope:embedded', 'scope:auth', 'scope:gateway', 'scope:registry', 'scope:shared'] },
      { sourceTag: 'layer:contracts', bannedExternalImports: ['typeorm', 'pg', '@nats-io/*', '@nestjs/*'] },
    ],
  };
}
