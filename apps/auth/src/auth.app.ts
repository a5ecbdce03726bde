import type { INestApplication } from '@nestjs/common';
import type { BusTransport } from '@portcullis/bus';
import { openDatabase } from '@portcullis/database';
import { startNestService, type RunningService } from '@portcullis/http';
import { createLogger, PinoNestLogger } from '@portcullis/logging';
import type { RequestListener, Server } from 'node:http';
import type { AuthConfig } from './config.js';
import { Issuer } from './issuer.js';
import { RootModule } from './root.module.js';
import { formEndpoints, rawFormBodies } from './oauth-forms/form-body.js';
import { TokenEndpoint } from './token-endpoint/token-endpoint.js';
import { formRequestListener, type FormEndpoint } from './token-endpoint/token-http.js';
import { IntrospectionEndpoint } from './introspection/introspection-endpoint.js';
import { authEntities, authMigrations } from './storage/schema.js';

/** Puts the token and introspection endpoints' own listener in front of Express's on Nest's server (see token-http.ts). */
function serveFormEndpointsFirst(app: INestApplication, limitBytes: number): void {
  const server = app.getHttpServer() as Server;
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`expected Express as the only request listener, found ${listeners.length}`);
  const express = listeners[0]!;
  server.removeListener('request', express);
  const routes = new Map<string, FormEndpoint>([
    ['/oauth/token', app.get(TokenEndpoint)],
    ['/oauth/introspect', app.get(IntrospectionEndpoint)],
  ]);
  server.on('request', formRequestListener(routes, limitBytes, express));
}

export interface AuthAppOptions {
  transport: BusTransport;
  database: { url: string; poolSize?: number; schema?: string };
}

/** Builds the auth service, migrates its schema, connects it to the bus and listens. */
export async function createAuthApp(config: AuthConfig, options: AuthAppOptions): Promise<RunningService> {
  const logger = createLogger('auth', config.logLevel);
  const dataSource = await openDatabase({
    url: options.database.url,
    schema: options.database.schema ?? 'auth',
    entities: authEntities,
    migrations: authMigrations,
    poolSize: options.database.poolSize,
    applicationName: 'portcullis-auth',
    logger,
  });
  const issuer = new Issuer(config.oauth.issuer);
  return startNestService({
    name: 'auth',
    module: RootModule.forRoot({ config, transport: options.transport, dataSource, issuer }),
    logger: new PinoNestLogger(logger),
    transport: options.transport,
    http: config.http,
    // Before the shared parsers: the OAuth form endpoints parse their own bodies, strictly.
    beforeBodies: (app) => app.use(formEndpoints, ...rawFormBodies(config.http.maxBodyBytes)),
    beforeListen: (app) => serveFormEndpointsFirst(app, config.http.maxBodyBytes),
    afterListen: (_app, url) => issuer.listeningAt(url),
    release: () => dataSource.destroy(),
  });
}
