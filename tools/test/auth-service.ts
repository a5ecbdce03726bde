import { createBusTransport } from '@portcullis/bus';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { createAuthApp, loadAuthConfig } from '../../apps/auth/src/index.js';
import { dropScratchSchemas, testServices } from './services.js';

/**
 * The real auth service, in this test process, on its own scratch schema and the run's subject
 * prefix: for another service's integration tests that need what it answers on the bus (keys,
 * clients) and its token endpoint, rather than a stand-in that could drift from it.
 */
export interface TestAuthService extends RunningService {
  /** Drops its schema too; close() alone keeps it (a restart on the same data). */
  destroy(): Promise<void>;
}

export async function startTestAuthService(options: { adminSecret: string; schema?: string }): Promise<TestAuthService> {
  const schema = options.schema ?? `auth_for_tests_${randomBytes(6).toString('hex')}`;
  const config = loadAuthConfig({
    AUTH_PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_SECRET: options.adminSecret,
    LOG_LEVEL: 'silent',
    NATS_SUBJECT_PREFIX: testServices.subjectPrefix,
    NATS_URL: testServices.natsUrl,
  });
  const transport = createBusTransport({
    kind: 'nats',
    servers: [testServices.natsUrl],
    subjectPrefix: testServices.subjectPrefix,
    name: `auth-for-tests-${schema}`,
  });
  const auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
  return {
    name: auth.name,
    url: auth.url,
    close: () => auth.close(),
    async destroy() {
      await auth.close().catch(() => undefined);
      await dropScratchSchemas(schema);
    },
  };
}
