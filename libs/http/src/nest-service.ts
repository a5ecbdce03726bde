import type { DynamicModule, INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardHttpServer } from './client-errors.js';
import { ErrorFilter } from './error.filter.js';
import { useJsonBodies } from './json-body.js';
import { listeningUrl } from './listening-url.js';
import type { RunningService } from './running-service.js';

export interface NestServiceOptions {
  name: RunningService['name'];
  module: DynamicModule;
  logger: LoggerService;
  /** Both ends of the service's bus connection. */
  transport: { client: { connect(): Promise<unknown> }; server: CustomTransportStrategy };
  http: { host: string; port: number; maxBodyBytes: number };
  /** Middleware that must see a request before the shared JSON parsers do (secrets, own parsers). */
  beforeBodies?(app: INestApplication): void;
  /** Anything else to wire before listening: documents, listeners of the service's own. */
  beforeListen?(app: INestApplication): void;
  afterListen?(app: INestApplication, url: string): void;
  /** What the service holds besides the app (its database), released after the app closes. */
  release(): Promise<void>;
}

/**
 * How the NestJS services start: one error shape, bounded JSON bodies, the bus connected up front
 * (so the first event does not wait for a connection), then listening. If any step fails, what
 * started is closed again; the returned `close()` closes the app, then releases the rest.
 */
export async function startNestService(options: NestServiceOptions): Promise<RunningService> {
  let app: INestApplication | undefined;
  let url: string;
  try {
    app = await NestFactory.create(options.module, { bodyParser: false, logger: options.logger });
    options.beforeBodies?.(app);
    useJsonBodies(app, options.http.maxBodyBytes);
    app.useGlobalFilters(new ErrorFilter());
    options.beforeListen?.(app);
    app.connectMicroservice({ strategy: options.transport.server }, { inheritAppConfig: true });
    await options.transport.client.connect();
    await app.startAllMicroservices();
    // After beforeListen: the checks go in front of every request listener installed by then.
    const server = app.getHttpServer() as Server;
    guardHttpServer(server);
    await app.listen(options.http.port, options.http.host);
    url = listeningUrl(server.address() as AddressInfo | null, options.http.host);
    options.afterListen?.(app, url);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await options.release().catch(() => undefined);
    throw error;
  }
  const started = app;
  return {
    name: options.name,
    url,
    async close() {
      try {
        await started.close();
      } finally {
        await options.release();
      }
    },
  };
}
