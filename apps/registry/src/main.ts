import 'reflect-metadata';
import { createBusTransport } from '@portcullis/bus';
import { configOrExit } from '@portcullis/config';
import { serveUntilSignalled } from '@portcullis/http';
import { createLogger } from '@portcullis/logging';
import { loadRegistryConfig } from './config.js';
import { createRegistryApp } from './registry.app.js';

const config = configOrExit(() => loadRegistryConfig());
const logger = createLogger('registry', config.logLevel);
const transport = createBusTransport({ kind: 'nats', servers: config.nats.servers, subjectPrefix: config.nats.subjectPrefix, name: 'registry' });
await serveUntilSignalled(() => createRegistryApp(config, { transport, database: config.database }), logger);
