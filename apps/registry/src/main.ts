import 'reflect-metadata';
import { createBusTransport } from '@portcullis/bus';
import { createLogger } from '@portcullis/logging';
import { loadRegistryConfig } from './config.js';
import { createRegistryApp } from './registry.app.js';

const config = loadRegistryConfig();
const logger = createLogger('registry', config.logLevel);
const transport = createBusTransport({ kind: 'nats', servers: config.nats.servers, subjectPrefix: config.nats.subjectPrefix, name: 'registry' });
const registry = await createRegistryApp(config, { transport, database: config.database });
logger.info({ url: registry.url }, `registry listening on ${registry.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    registry.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
