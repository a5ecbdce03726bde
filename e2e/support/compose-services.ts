import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The services as docker-compose.yml runs them, turned into plain host processes. The e2e suite
 * starts exactly this, so a test that passes here exercises the command and environment that
 * `docker compose up` would. Only these substitutions are made, all needed to run on a host:
 *   - the compose hostnames `nats` and `postgres` become 127.0.0.1 (ports kept: the machine's
 *     NATS and PostgreSQL listen on the same 4222 and 5432);
 *   - each service's own `*_PORT` becomes the port the test picked;
 *   - `${ADMIN_SECRET...}` becomes the test's admin secret;
 *   - `${CERTIFICATE_ENCRYPTION_SECRET...}` becomes the test's, or empty (unset: derived from the admin secret);
 *   - the database name in DATABASE_URL becomes the test's (scratch) database;
 *   - an operator's optional setting (`operatorSettings`, `${NAME:-default}`) becomes its default,
 *     as compose gives it when the operator sets none.
 * Any other `${...}` in the file is refused, so a new interpolation cannot slip past the tests.
 */

/** Settings compose takes from the operator's environment, each with a default (`${NAME:-default}`): the portal's and the console's OpenID sign-in. */
export const operatorSettings: readonly string[] = [
  'PORTAL_OIDC_ISSUER',
  'PORTAL_OIDC_CLIENT_ID',
  'PORTAL_OIDC_CLIENT_SECRET',
  'PORTAL_OIDC_NAME',
  'PORTAL_PASSWORD_LOGIN',
  'CONSOLE_OIDC_ISSUER',
  'CONSOLE_OIDC_CLIENT_ID',
  'CONSOLE_OIDC_CLIENT_SECRET',
  'CONSOLE_OIDC_NAME',
  'CONSOLE_OIDC_OPERATORS',
];

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));

export type ServiceName = 'registry' | 'auth' | 'gateway';
export const serviceNames: readonly ServiceName[] = ['registry', 'auth', 'gateway'];

/** The variable that carries each service's own HTTP port. */
export const portVariable: Record<ServiceName, 'REGISTRY_PORT' | 'AUTH_PORT' | 'GATEWAY_PORT'> = {
  registry: 'REGISTRY_PORT',
  auth: 'AUTH_PORT',
  gateway: 'GATEWAY_PORT',
};

const composeHosts = new Set(['nats', 'postgres']);

export interface ComposeService {
  readonly command: string[];
  readonly env: Record<string, string>;
}

export interface HostSubstitutions {
  /** The service's HTTP port on this host. */
  port: number;
  adminSecret: string;
  /** CERTIFICATE_ENCRYPTION_SECRET; unset (empty) when absent, as compose passes it when the operator sets none. */
  certificateEncryptionSecret?: string;
  /** Name of the database to use in place of the compose one (e.g. a scratch database). */
  database?: string;
  /** Where the compose hostnames point; 127.0.0.1 unless told. */
  host?: string;
}

interface ComposeServiceDefinition {
  command?: unknown;
  environment?: unknown;
}

export function readCompose(): { services: Record<string, ComposeServiceDefinition> } & Record<string, unknown> {
  return parse(readFileSync(composeFile, 'utf8'));
}

/** The service's command and environment exactly as docker-compose.yml gives them (no substitution). */
export function composeDefinition(name: ServiceName): ComposeService {
  const service = readCompose().services?.[name];
  if (!service) throw new Error(`docker-compose.yml has no service "${name}"`);
  const { command, environment } = service;
  if (!Array.isArray(command) || !command.every((part) => typeof part === 'string')) {
    throw new Error(`docker-compose.yml: ${name}.command must be a list of strings (exec form), got ${JSON.stringify(command)}`);
  }
  if (!environment || typeof environment !== 'object' || Array.isArray(environment)) {
    throw new Error(`docker-compose.yml: ${name}.environment must be a mapping`);
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) {
    // YAML may hand us numbers or booleans; compose passes every value as a string.
    env[key] = String(value);
  }
  return { command: [...command], env };
}

/** The service's command and environment for a host run, with only the documented substitutions. */
export function composeService(name: ServiceName, substitutions: HostSubstitutions): ComposeService {
  const { command, env } = composeDefinition(name);
  const host = substitutions.host ?? '127.0.0.1';
  const result: Record<string, string> = {};
  for (const [key, raw] of Object.entries(env)) {
    let value = interpolate(key, raw, substitutions);
    if (key === portVariable[name]) value = String(substitutions.port);
    else if (key === 'NATS_URL') value = replaceHosts(value, host);
    else if (key === 'DATABASE_URL') value = databaseUrl(value, host, substitutions.database);
    result[key] = value;
  }
  return { command, env: result };
}

function interpolate(key: string, value: string, substitutions: HostSubstitutions): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}/g, (match, variable: string, rest: string) => {
    if (variable === 'ADMIN_SECRET') return substitutions.adminSecret;
    if (variable === 'CERTIFICATE_ENCRYPTION_SECRET') return substitutions.certificateEncryptionSecret ?? '';
    if (operatorSettings.includes(variable) && rest.startsWith(':-')) return rest.slice(2);
    throw new Error(
      `docker-compose.yml: ${key} uses ${match}; only \${ADMIN_SECRET...}, \${CERTIFICATE_ENCRYPTION_SECRET...} and operatorSettings' \${NAME:-default} have a host substitution`,
    );
  });
}

/** NATS_URL may list several servers, comma-separated. */
function replaceHosts(value: string, host: string): string {
  return value
    .split(',')
    .map((server) => {
      const url = new URL(server.trim());
      if (composeHosts.has(url.hostname)) url.hostname = host;
      return url.toString().replace(/\/$/, '');
    })
    .join(',');
}

function databaseUrl(value: string, host: string, database: string | undefined): string {
  const url = new URL(value);
  if (composeHosts.has(url.hostname)) url.hostname = host;
  if (database !== undefined) url.pathname = `/${database}`;
  return url.toString();
}
