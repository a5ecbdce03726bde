import { describe, inject, it } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    servicesMissing: boolean;
    redisMissing: boolean;
  }
}

// A service can only be missing here when PORTCULLIS_ALLOW_SKIP=1 (tools/test/skip-policy.ts):
// otherwise the tier's global setup (require-services.ts) has already failed the run.

/** `describe` for tests that need the real PostgreSQL and NATS. */
export const describeWithServices: typeof describe = inject('servicesMissing') ? describe.skip : describe;

/** `describe` for tests that all need the real Redis too. */
export const describeWithRedis: typeof describe = inject('servicesMissing') || inject('redisMissing') ? describe.skip : describe;

/** `it` for the one test of a suite that needs the real Redis, when its neighbours do not. */
export const itWithRedis: typeof it = inject('redisMissing') ? it.skip : it;

export { dropScratchSchemas, testServices } from './services.js';
