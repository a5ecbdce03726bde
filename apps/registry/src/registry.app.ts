import type { BusTransport } from '@portcullis/bus';
import { openDatabase } from '@portcullis/database';
import { requireAdminSecret, startNestService, type RunningService } from '@portcullis/http';
import { createLogger, PinoNestLogger } from '@portcullis/logging';
import type { RegistryConfig } from './config.js';
import { useImportBodies } from './import/import-body.js';
import { serveOpenApi } from './openapi.js';
import { useConsoleHttp } from './console/console-http.js';
import { usePortalHttp } from './portal/pages/portal-http.js';
import { RootModule } from './root.module.js';
import { registryEntities, registryMigrations } from './schema.js';

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
    logger,
  });
  return startNestService({
    name: 'registry',
    module: RootModule.forRoot({ config, transport: options.transport, dataSource }),
    logger: new PinoNestLogger(logger),
    transport: options.transport,
    http: config.http,
    // The secret is checked before any body is read; the controllers' guard checks it again.
    beforeBodies: (app) => {
      app.use('/admin', requireAdminSecret(config.adminSecret, 'bearer', { publicPaths: ['/docs', '/openapi.json'] }));
      useImportBodies(app, config.import.maxBodyBytes);
      // The portal's pages read their own, smaller form bodies and answer body problems as pages.
      usePortalHttp(app);
      // The console's pages likewise, with room for one JSON document.
      useConsoleHttp(app);
    },
    beforeListen: (app) => serveOpenApi(app),
    release: () => dataSource.destroy(),
  });
}
