import { createBusTransport, type BusTransport } from '@portcullis/bus';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { dropScratchSchemas, testServices } from './services.js';

/** What auth and registry both take to start: their config from variables, then the app on a transport and a database. */
export interface ServiceStarter<Config> {
  /** `auth` or `registry`: names the scratch schema and the NATS connection. */
  name: string;
  /** The variable of the service's HTTP port (set to 0: any free one). */
  portVariable: string;
  load(env: Record<string, string>): Config;
  create(config: Config, options: { transport: BusTransport; database: { url: string; schema: string } }): Promise<RunningService>;
}

export interface InProcessService extends RunningService {
  readonly schema: string;
  /** Closes it and drops its schema; close() alone keeps the schema (a restart on the same data). */
  destroy(): Promise<void>;
}

/**
 * A real service in this test process, on its own scratch schema (or the one given, to restart on
 * the same data) and the run's subject prefix: what the other services' integration tests talk to
 * rather than a stand-in that could drift from it.
 */
export async function startInProcess<Config>(starter: ServiceStarter<Config>, options: { adminSecret: string; schema?: string }): Promise<InProcessService> {
  const schema = options.schema ?? `${starter.name}_for_tests_${randomBytes(6).toString('hex')}`;
  const config = starter.load({
    [starter.portVariable]: '0',
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
    name: `${starter.name}-for-tests-${schema}`,
  });
  const service = await starter.create(config, { transport, database: { url: testServices.databaseUrl, schema } });
  return {
    name: service.name,
    url: service.url,
    schema,
    close: () => service.close(),
    async destroy() {
      await service.close().catch(() => undefined);
      await dropScratchSchemas(schema);
    },
  };
}
