import 'reflect-metadata';
import { createBusTransport } from '@portcullis/bus';
import { configOrExit } from '@portcullis/config';
import { serveUntilSignalled } from '@portcullis/http';
import { createLogger } from '@portcullis/logging';
import { loadAuthConfig } from './config.js';
import { createAuthApp } from './auth.app.js';

const config = configOrExit(() => loadAuthConfig());
const logger = createLogger('auth', config.logLevel);
const transport = createBusTransport({ kind: 'nats', servers: config.nats.servers, subjectPrefix: config.nats.subjectPrefix, name: 'auth' });
await serveUntilSignalled(() => createAuthApp(config, { transport, database: config.database }), logger);
