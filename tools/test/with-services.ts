import { describe, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    servicesMissing: boolean;
  }
}

/** `describe` for tests that need the real PostgreSQL and NATS; skipped (loudly) without them. */
export const describeWithServices: typeof describe = inject('servicesMissing') ? describe.skip : describe;

export { testServices } from './services.js';
