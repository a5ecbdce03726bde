import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// tsx and esbuild drop decorator metadata, so NestJS constructor injection needs SWC here.
const decorators = swc.vite({
  module: { type: 'es6' },
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  },
});

// Tests import libraries by their package name, and read them from source.
const libsFromSource = [{ find: /^@portcullis\/([a-z-]+)$/, replacement: fileURLToPath(new URL('./libs/$1/src/index.ts', import.meta.url)) }];

const shared = { plugins: [decorators], resolve: { alias: libsFromSource } };

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: { name: 'unit', sequence: { groupOrder: 0 }, include: ['{apps,libs}/*/src/**/*.test.ts', 'tools/**/*.test.ts'], environment: 'node' },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          // Tiers run one after another, and files within a tier one at a time: they share the
          // machine's NATS subjects and ports.
          sequence: { groupOrder: 1 },
          include: ['{apps,libs}/*/test/**/*.int.test.ts'],
          globalSetup: ['tools/test/require-services.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['tools/test/require-services.ts', 'tools/test/require-build.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
