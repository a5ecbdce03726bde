import 'reflect-metadata';
import { createBusTransport } from '@portcullis/bus';
import { createLogger } from '@portcullis/logging';
import { loadGatewayConfig } from './config.js';
import { createGatewayApp } from './gateway.app.js';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.logLevel);
const transport = createBusTransport({ kind: 'nats', servers: config.nats.servers, subjectPrefix: config.nats.subjectPrefix, name: 'gateway' });
const gateway = await createGatewayApp(config, { transport });
logger.info({ url: gateway.url }, `gateway listening on ${gateway.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
