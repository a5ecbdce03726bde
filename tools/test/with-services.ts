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
export const describeWithServices = describe.skipIf(inject('servicesMissing'));

/** `describe` for tests that all need the real Redis too. */
export const describeWithRedis = describe.skipIf(inject('servicesMissing') || inject('redisMissing'));

/** `it` for the one test of a suite that needs the real Redis, when its neighbours do not. */
export const itWithRedis = it.skipIf(inject('redisMissing'));

export { dropScratchSchemas, testServices } from './services.js';
