import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { BusTransport } from '@portcullis/bus';
import { ErrorFilter, useJsonBodies, type RunningService } from '@portcullis/http';
import { createLogger, PinoNestLogger } from '@portcullis/logging';
import type { GatewayConfig } from './config.js';
import { ConfigSyncService } from './config-sync/config-sync.service.js';
import { useTykCertificateBodies, useTykJsonBodies } from './control-plane/tyk-errors.js';
import { CERTIFICATE_MAX_BYTES } from '@portcullis/domain';
import { useTykFormBodies } from './control-plane/tyk-form-bodies.js';
import { DataPlaneServer } from './data-plane/data-plane.server.js';
import { EnforcementService } from './enforcement/enforcement.service.js';
import { GatewayModule } from './gateway.module.js';

export interface GatewayAppOptions {
  transport: BusTransport;
}

/**
 * Builds the gateway: the Nest application (control plane, bus, configuration sync) initialised
 * without listening, and the data plane's own HTTP server, which it starts. Resolves once the server
 * listens and the bus is connected; the first snapshot is fetched in the background (until it
 * arrives /ready answers 503 and no API matches).
 */
export async function createGatewayApp(config: GatewayConfig, options: GatewayAppOptions): Promise<RunningService> {
  const logger = createLogger('gateway', config.logLevel);
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(GatewayModule.forRoot(config, options.transport), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    });
    useTykFormBodies(app, config.admin.maxBodyBytes);
    useTykCertificateBodies(app, Math.min(CERTIFICATE_MAX_BYTES, config.admin.maxBodyBytes));
    useTykJsonBodies(app, config.admin.maxBodyBytes);
    useJsonBodies(app, config.admin.maxBodyBytes);
    app.useGlobalFilters(new ErrorFilter());
    app.connectMicroservice({ strategy: options.transport.server }, { inheritAppConfig: true });
    // Starts the data plane's server (DataPlaneServer.onApplicationBootstrap).
    await app.init();
    await options.transport.client.connect();
    // Subscribes to change events; only then is the snapshot asked for.
    await app.startAllMicroservices();
    await app.get(ConfigSyncService).start();
    // Announced once the bus is up, so peers count this gateway in the rate limits they share.
    app.get(EnforcementService).start();
  } catch (error) {
    await app?.close().catch(() => undefined);
    throw error;
  }
  const started = app;
  return {
    name: 'gateway',
    url: started.get(DataPlaneServer).url,
    close: () => started.close(),
  };
}
