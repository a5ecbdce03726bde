import 'reflect-metadata';
import { createBusTransport } from '@portcullis/bus';
import { createLogger } from '@portcullis/logging';
import { loadAuthConfig } from './config.js';
import { createAuthApp } from './auth.app.js';

const config = loadAuthConfig();
const logger = createLogger('auth', config.logLevel);
const transport = createBusTransport({ kind: 'nats', servers: config.nats.servers, subjectPrefix: config.nats.subjectPrefix, name: 'auth' });
const auth = await createAuthApp(config, { transport, database: config.database });
logger.info({ url: auth.url }, `auth listening on ${auth.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    auth.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
