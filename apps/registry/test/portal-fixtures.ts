import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createBusTransport } from '@portcullis/bus';
import { openDatabase } from '@portcullis/database';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { startTestAuthService, type TestAuthService } from '../../../tools/test/auth-service.js';
import { dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { createRegistryApp, loadRegistryConfig, type RegistryConfig } from '../src/index.js';
import { RootModule } from '../src/root.module.js';
import { registryEntities, registryMigrations } from '../src/schema.js';

/**
 * What the portal core's integration tests share: a registry (HTTP admin API) on a scratch schema,
 * the real auth service answering its key and client requests, and the registry's services over the
 * same schema for the calls the portal pages make (sign-up, login, apps), which have no admin route.
 */
export interface PortalStack {
  secret: string;
  /** The registry's scratch schema, for raw SQL (`"${schema}".developers`). */
  schema: string;
  config: RegistryConfig;
  registry: RunningService;
  auth: TestAuthService;
  /** The registry's own services (no HTTP, no bus handlers), on the registry's schema. */
  services: INestApplicationContext;
  service<T>(type: Type<T>): T;
  dataSource: DataSource;
  /** The admin API: JSON in, parsed JSON out (undefined for an empty body). */
  admin(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** Stops the auth service (to see what the portal does while it is down) and starts it again on the same data. */
  stopAuth(): Promise<void>;
  restartAuth(): Promise<void>;
  close(): Promise<void>;
}

export async function startPortalStack(options: { env?: Record<string, string> } = {}): Promise<PortalStack> {
  const tag = randomBytes(6).toString('hex');
  const secret = `portal-int-secret-${tag}`;
  const schema = `registry_portal_${tag}`;
  const authSchema = `auth_portal_${tag}`;
  const config = loadRegistryConfig({
    NATS_URL: testServices.natsUrl,
    NATS_SUBJECT_PREFIX: testServices.subjectPrefix,
    REGISTRY_PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_SECRET: secret,
    LOG_LEVEL: 'silent',
    PORTAL_PUBLIC_URL: 'https://portal.example.test',
    GATEWAY_PUBLIC_URL: 'https://api.example.test',
    ...options.env,
  });
  let auth = await startTestAuthService({ adminSecret: secret, schema: authSchema });
  const registry = await createRegistryApp(config, {
    transport: createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `registry-portal-${tag}` }),
    database: { url: testServices.databaseUrl, schema },
  });
  const dataSource = await openDatabase({
    url: testServices.databaseUrl,
    schema,
    entities: registryEntities,
    migrations: registryMigrations,
    poolSize: 4,
    applicationName: 'portal-int-test',
  });
  const transport = createBusTransport({
    kind: 'nats',
    servers: [testServices.natsUrl],
    subjectPrefix: testServices.subjectPrefix,
    name: `registry-portal-services-${tag}`,
  });
  await transport.client.connect();
  const services = await NestFactory.createApplicationContext(RootModule.forRoot({ config, transport, dataSource }), { logger: false });

  return {
    secret,
    schema,
    config,
    registry,
    get auth() {
      return auth;
    },
    services,
    service: (type) => services.get(type),
    dataSource,
    async admin(method, path, body, headers) {
      const response = await fetch(`${registry.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
    stopAuth: () => auth.close(),
    async restartAuth() {
      auth = await startTestAuthService({ adminSecret: secret, schema: authSchema });
    },
    async close() {
      await services.close().catch(() => undefined);
      await dataSource.destroy().catch(() => undefined);
      await registry.close().catch(() => undefined);
      await auth.destroy().catch(() => undefined);
      await dropScratchSchemas(schema);
    },
  };
}

/** An upstream nobody calls: the tests only need the definitions to exist. */
const target = 'http://127.0.0.1:9';

export const apiFixtures = {
  keyed: (id: string) => ({ api_id: id, name: `Keyed ${id}`, proxy: { listen_path: `/${id}/`, target_url: target, strip_listen_path: true } }),
  oauth: (id: string) => ({
    api_id: id,
    name: `OAuth ${id}`,
    use_oauth2: true,
    proxy: { listen_path: `/${id}/`, target_url: target, strip_listen_path: true },
  }),
  oauthWithoutClientCredentials: (id: string) => ({ ...apiFixtures.oauth(id), oauth_meta: { allowed_access_types: ['authorization_code', 'refresh_token'] } }),
  jwt: (id: string) => ({
    api_id: id,
    name: `JWT ${id}`,
    enable_jwt: true,
    jwt_signing_method: 'RS256',
    jwt_source: 'https://idp.example.test/.well-known/openid-configuration',
    proxy: { listen_path: `/${id}/`, target_url: target, strip_listen_path: true },
  }),
  keyless: (id: string) => ({ api_id: id, name: `Open ${id}`, use_keyless: true, proxy: { listen_path: `/${id}/`, target_url: target } }),
};

export function policyFor(id: string, apiIds: string[], extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Policy ${id}`,
    rate: 5,
    per: 60,
    quota_max: 100,
    quota_renewal_rate: 3600,
    access_rights: Object.fromEntries(apiIds.map((apiId) => [apiId, { api_id: apiId, versions: ['Default'] }])),
    ...extra,
  };
}
