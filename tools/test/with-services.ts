import { describe, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    servicesMissing: boolean;
    redisMissing: boolean;
  }
}

/** `describe` for tests that need the real PostgreSQL and NATS; skipped (loudly) without them. */
export const describeWithServices: typeof describe = inject('servicesMissing') ? describe.skip : describe;

/** `describe` for tests that also need the real Redis; skipped (loudly) without it, unless CI=true. */
export const describeWithRedis: typeof describe = inject('servicesMissing') || inject('redisMissing') ? describe.skip : describe;

export { dropScratchSchemas, testServices } from './services.js';
