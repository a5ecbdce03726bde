import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { BusTransport } from '@portcullis/bus';
import { openDatabase } from '@portcullis/database';
import { ErrorFilter, listeningUrl, requireAdminSecret, useJsonBodies, type RunningService } from '@portcullis/http';
import { createLogger, PinoNestLogger } from '@portcullis/logging';
import type { AddressInfo } from 'node:net';
import type { RegistryConfig } from './config.js';
import { serveOpenApi } from './openapi.js';
import { RootModule } from './root.module.js';
import { registryEntities, registryMigrations } from './storage/schema.js';

export interface RegistryAppOptions {
  transport: BusTransport;
  database: { url: string; poolSize?: number; schema?: string };
}

/** Builds the registry, migrates its schema, connects it to the bus and listens. */
export async function createRegistryApp(config: RegistryConfig, options: RegistryAppOptions): Promise<RunningService> {
  const logger = createLogger('registry', config.logLevel);
  const dataSource = await openDatabase({
    url: options.database.url,
    schema: options.database.schema ?? 'registry',
    entities: registryEntities,
    migrations: registryMigrations,
    poolSize: options.database.poolSize,
    applicationName: 'portcullis-registry',
  });
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(RootModule.forRoot({ config, transport: options.transport, dataSource }), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    });
    // The secret is checked before any body is read; the controllers' guard checks it again.
    app.use('/admin', requireAdminSecret(config.adminSecret, 'bearer', { publicPaths: ['/docs', '/openapi.json'] }));
    useJsonBodies(app, config.http.maxBodyBytes);
    app.useGlobalFilters(new ErrorFilter());
    serveOpenApi(app);
    app.connectMicroservice({ strategy: options.transport.server }, { inheritAppConfig: true });
    // Connected up front, so the first change event does not wait for the connection.
    await options.transport.client.connect();
    await app.startAllMicroservices();
    await app.listen(config.http.port, config.http.host);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  const started = app;
  const url = listeningUrl(started.getHttpServer().address() as AddressInfo | null, config.http.host);
  return {
    name: 'registry',
    url,
    async close() {
      try {
        await started.close();
      } finally {
        await dataSource.destroy();
      }
    },
  };
}
