import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import {
  composeDefinition,
  composeService,
  operatorSettings,
  portVariable,
  readCompose,
  repoRoot,
  serviceNames,
  type ServiceName,
} from './support/compose-services.js';
import { configVariables, loadServiceConfig } from './support/config-schemas.js';
import { createScratchDatabase } from './support/database.js';
import { startService, waitFor, type StartedService } from './support/processes.js';

/**
 * There is no Docker engine here, so docker-compose.yml is checked in two ways: statically (it
 * parses, its services and variables match the code) and by running its three services as plain
 * processes with exactly its command and environment (e2e/support/compose-services.ts lists the
 * host substitutions), the way the rest of the e2e suite starts them.
 */

const compose = readCompose();
const adminSecret = randomBytes(24).toString('base64url');
const certificateEncryptionSecret = randomBytes(32).toString('base64url');

describe('docker-compose.yml', () => {
  it('names exactly nats, postgres, registry, auth and gateway', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['auth', 'gateway', 'nats', 'postgres', 'registry']);
  });

  it('runs NATS with JetStream on and PostgreSQL, each with a health check', () => {
    const nats = compose.services.nats as { image: string; command: string[]; healthcheck: { test: string[] } };
    expect(nats.image).toMatch(/^nats:2\.10/);
    expect(nats.command).toContain('--jetstream');
    // The health check asks the monitoring port the command opens.
    expect(nats.command).toContain('--http_port');
    const monitorPort = nats.command[nats.command.indexOf('--http_port') + 1];
    expect(nats.healthcheck.test.join(' ')).toContain(`:${monitorPort}/healthz`);

    const postgres = compose.services.postgres as { image: string; environment: Record<string, string>; healthcheck: { test: string[] } };
    expect(postgres.image).toMatch(/^postgres:16/);
    expect(postgres.healthcheck.test).toContain('pg_isready');
  });

  for (const name of serviceNames) {
    describe(name, () => {
      const service = compose.services[name] as Record<string, unknown>;

      it('is built from this repository and runs a built file that exists', () => {
        expect(service.build).toBe('.');
        const { command } = composeDefinition(name);
        expect(command[0]).toBe('node');
        expect(command).toHaveLength(2);
        expect(command[1]).toBe(`apps/${name}/dist/main.js`);
        expect(existsSync(join(repoRoot, command[1]!)), `${command[1]} (npm run build)`).toBe(true);
      });

      it('sets only variables its config schema knows, and every one it requires', async () => {
        const { known, required } = await configVariables(name);
        const set = Object.keys(composeDefinition(name).env);
        expect(set.filter((key) => !known.includes(key))).toEqual([]);
        expect(required.filter((key) => !set.includes(key))).toEqual([]);
      });

      it('gives values the service accepts, in the containers and on a host', async () => {
        // In the containers: compose fills ${ADMIN_SECRET} from the operator's environment, and
        // ${CERTIFICATE_ENCRYPTION_SECRET:-} with theirs or, unset, with nothing.
        for (const certificateSecret of ['', certificateEncryptionSecret]) {
          const inContainer = composeDefinition(name).env;
          for (const [key, value] of Object.entries(inContainer))
            inContainer[key] = value
              .replace(/\$\{ADMIN_SECRET[^}]*\}/, adminSecret)
              .replace(/\$\{CERTIFICATE_ENCRYPTION_SECRET[^}]*\}/, certificateSecret)
              .replace(/\$\{([A-Z0-9_]+):-([^}]*)\}/, (match, variable: string, fallback: string) => (operatorSettings.includes(variable) ? fallback : match));
          await expect(loadServiceConfig(name, inContainer)).resolves.toBeTruthy();
        }
        await expect(loadServiceConfig(name, composeService(name, { port: 0, adminSecret, database: 'test' }).env)).resolves.toBeTruthy();
        await expect(
          loadServiceConfig(name, composeService(name, { port: 0, adminSecret, certificateEncryptionSecret, database: 'test' }).env),
        ).resolves.toBeTruthy();
      });

      it('runs on a host with only the documented substitutions', async () => {
        const raw = composeDefinition(name);
        const host = composeService(name, { port: 45678, adminSecret, certificateEncryptionSecret, database: 'scratch_db' });
        expect(host.command).toEqual(raw.command);
        expect(Object.keys(host.env)).toEqual(Object.keys(raw.env));
        const changed = Object.keys(raw.env).filter((key) => raw.env[key] !== host.env[key]);
        const sealsCertificates = (await configVariables(name)).known.includes('CERTIFICATE_ENCRYPTION_SECRET');
        const expected = [
          'ADMIN_SECRET',
          'NATS_URL',
          portVariable[name],
          ...(name === 'gateway' ? [] : ['DATABASE_URL']),
          ...(sealsCertificates ? ['CERTIFICATE_ENCRYPTION_SECRET'] : []),
          // The operator's optional settings, unset: compose's defaults.
          ...Object.keys(raw.env).filter((key) => operatorSettings.includes(key)),
        ];
        expect(changed.sort()).toEqual(expected.sort());
        expect(host.env.ADMIN_SECRET).toBe(adminSecret);
        if (sealsCertificates) expect(host.env.CERTIFICATE_ENCRYPTION_SECRET).toBe(certificateEncryptionSecret);
        expect(host.env.NATS_URL).toBe('nats://127.0.0.1:4222');
        expect(host.env[portVariable[name]]).toBe('45678');
        if (name !== 'gateway') expect(host.env.DATABASE_URL).toBe('postgres://postgres:portcullis@127.0.0.1:5432/scratch_db');
      });

      it('points at the compose NATS and PostgreSQL, and requires ADMIN_SECRET from the operator', () => {
        const { env } = composeDefinition(name);
        expect(env.NATS_URL).toBe('nats://nats:4222');
        expect(env.ADMIN_SECRET).toMatch(/^\$\{ADMIN_SECRET:\?[^}]+\}$/);
        if (name !== 'gateway') {
          const postgres = (compose.services.postgres as { environment: Record<string, string> }).environment;
          const url = new URL(env.DATABASE_URL!);
          expect(url.hostname).toBe('postgres');
          expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
          expect(decodeURIComponent(url.password)).toBe(postgres.POSTGRES_PASSWORD);
        }
      });

      it('passes CERTIFICATE_ENCRYPTION_SECRET from the operator when its config reads it (optional: unset, derived from ADMIN_SECRET)', async () => {
        const { known } = await configVariables(name);
        const { env } = composeDefinition(name);
        if (known.includes('CERTIFICATE_ENCRYPTION_SECRET')) expect(env.CERTIFICATE_ENCRYPTION_SECRET).toBe('${CERTIFICATE_ENCRYPTION_SECRET:-}');
        else expect(env.CERTIFICATE_ENCRYPTION_SECRET).toBeUndefined();
      });

      it("passes the portal's and the console's OpenID sign-in settings from the operator when its config reads them (unset: no provider, passwords on)", async () => {
        const { known } = await configVariables(name);
        const { env } = composeDefinition(name);
        for (const setting of operatorSettings) {
          if (!known.includes(setting)) expect(env[setting]).toBeUndefined();
          else expect(env[setting]).toBe(setting === 'PORTAL_PASSWORD_LOGIN' ? '${PORTAL_PASSWORD_LOGIN:-true}' : `\${${setting}:-}`);
        }
        if (name !== 'registry') return;
        const host = composeService(name, { port: 0, adminSecret, database: 'test' }).env;
        await expect(loadServiceConfig(name, host)).resolves.toMatchObject({ portal: { oidc: null, passwordLogin: true }, console: { oidc: null } });
        const operator = {
          PORTAL_OIDC_ISSUER: 'https://id.example.com/realms/dev',
          PORTAL_OIDC_CLIENT_ID: 'portal',
          PORTAL_OIDC_CLIENT_SECRET: 'a-client-secret',
          PORTAL_OIDC_NAME: 'Example ID',
          PORTAL_PASSWORD_LOGIN: 'false',
          CONSOLE_OIDC_ISSUER: 'https://id.example.com/realms/staff',
          CONSOLE_OIDC_CLIENT_ID: 'console',
          CONSOLE_OIDC_CLIENT_SECRET: 'a-console-secret',
          CONSOLE_OIDC_NAME: 'Staff ID',
          CONSOLE_OIDC_OPERATORS: 'ada@example.com,bob@example.com',
        };
        await expect(loadServiceConfig(name, { ...host, ...operator })).resolves.toMatchObject({
          portal: { passwordLogin: false, oidc: { issuer: operator.PORTAL_OIDC_ISSUER, clientId: 'portal', name: 'Example ID' } },
          console: { oidc: { issuer: operator.CONSOLE_OIDC_ISSUER, clientId: 'console', name: 'Staff ID', operators: ['ada@example.com', 'bob@example.com'] } },
        });
      });

      it('waits for healthy dependencies and checks its own /health', () => {
        const dependsOn = service.depends_on as Record<string, { condition: string }>;
        expect(Object.keys(dependsOn)).toContain('nats');
        for (const dependency of Object.values(dependsOn)) expect(dependency.condition).toBe('service_healthy');
        const test = (service.healthcheck as { test: string[] }).test;
        expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
        expect(test[3]).toContain('/health');
        expect(test[3]).toContain(`process.env.${name.toUpperCase()}_PORT`);
      });
    });
  }

  it('lets the gateway scale: no container name, a host port range', () => {
    const gateway = compose.services.gateway as Record<string, unknown>;
    expect(gateway.container_name).toBeUndefined();
    expect(gateway.ports).toEqual([expect.stringMatching(/^\d+-\d+:8080$/)]);
    expect((gateway.depends_on as Record<string, unknown>).registry).toEqual({ condition: 'service_healthy' });
  });

  it('is served by a Dockerfile that ships the built apps and libs and runs as a non-root user', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:26-trixie-slim|ARG NODE_IMAGE=node:26-trixie-slim/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toContain('apps/*/dist libs/*/dist');
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});

describeWithServices('the compose services, run as plain processes', () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  const started: StartedService[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase('e2e_compose');
    const name = new URL(database.url).pathname.slice(1);
    // The order compose's depends_on gives: registry and auth, then the gateway.
    for (const service of ['registry', 'auth', 'gateway'] satisfies ServiceName[]) {
      started.push(await startService(service, { adminSecret, database: name, readyTimeoutMs: 60_000 }));
    }
  });

  afterAll(async () => {
    for (const service of started.reverse()) await service.stop();
    await database?.drop();
  });

  it('each answers /health', async () => {
    for (const service of started) {
      const response = await fetch(`${service.url}/health`);
      expect(response.status, `${service.name}\n${service.logs()}`).toBe(200);
    }
  });

  it('the gateway becomes ready: it got its snapshot from the registry over NATS', async () => {
    const gateway = started.find((service) => service.name === 'gateway')!;
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'gateway /ready' }).catch((error) => {
      throw new Error(`${(error as Error).message}\n${gateway.logs()}`);
    });
  });

  it('the registry uses the admin secret it was given', async () => {
    const registry = started.find((service) => service.name === 'registry')!;
    expect((await fetch(`${registry.url}/admin/apis`)).status).toBe(401);
    expect((await fetch(`${registry.url}/admin/apis`, { headers: { authorization: `Bearer ${adminSecret}` } })).status).toBe(200);
  });

  it('each stops on SIGTERM (gateway first), exits 0 and logs that it stopped cleanly', async () => {
    for (const service of [...started].reverse()) {
      expect(await service.stop(), `${service.name}\n${service.logs()}`).toBe(0);
      const lines = service
        .logs()
        .trimEnd()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(entries.filter((entry) => entry.msg === `${service.name} stopped cleanly`).map((entry) => entry.level)).toEqual([30]);
    }
  });
});
