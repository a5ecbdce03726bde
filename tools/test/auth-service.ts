import { createAuthApp, loadAuthConfig } from '../../apps/auth/src/index.js';
import { startInProcess, type InProcessService } from './in-process-service.js';

/**
 * The real auth service, in this test process, on its own scratch schema and the run's subject
 * prefix: for another service's integration tests that need what it answers on the bus (keys,
 * clients) and its token endpoint, rather than a stand-in that could drift from it.
 */
export type TestAuthService = InProcessService;

export function startTestAuthService(options: { adminSecret: string; schema?: string }): Promise<TestAuthService> {
  return startInProcess({ name: 'auth', portVariable: 'AUTH_PORT', load: loadAuthConfig, create: createAuthApp }, options);
}
