import 'reflect-metadata';
import { createBusTransport } from '@portcullis/bus';
import { configOrExit } from '@portcullis/config';
import { serveUntilSignalled } from '@portcullis/http';
import { createLogger } from '@portcullis/logging';
import { loadGatewayConfig } from './config.js';
import { createGatewayApp } from './gateway.app.js';

const config = configOrExit(() => loadGatewayConfig());
const logger = createLogger('gateway', config.logLevel);
const transport = createBusTransport({ kind: 'nats', servers: config.nats.servers, subjectPrefix: config.nats.subjectPrefix, name: 'gateway' });
await serveUntilSignalled(() => createGatewayApp(config, { transport }), logger);
