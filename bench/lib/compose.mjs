import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * A service's command and environment as docker-compose.yml gives them, adapted to a host run the
 * same way e2e/support/compose-services.ts does (compose hostnames → our URLs, ports → ours,
 * ${ADMIN_SECRET} → ours), plus what a benchmark wants: loopback only and LOG_LEVEL=warn. Without a
 * compose file (or a service in it) the plain `node apps/<name>/dist/main.js` and the same variables.
 */
const portVariable = { registry: 'REGISTRY_PORT', auth: 'AUTH_PORT', gateway: 'GATEWAY_PORT' };

/**
 * `${VAR:-default}` and `${VAR}` as compose reads them with nothing set in its environment: the
 * default, or empty. The shell's variables are not used, so a run does not depend on who starts it.
 */
function withComposeDefaults(value) {
  return value.replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_, fallback) => fallback ?? '');
}

export function hostService(repoRoot, name, { port, adminSecret, natsUrl, databaseUrl }) {
  const file = join(repoRoot, 'docker-compose.yml');
  const service = existsSync(file) ? parse(readFileSync(file, 'utf8'))?.services?.[name] : undefined;
  const command = Array.isArray(service?.command) ? service.command.map(String) : ['node', `apps/${name}/dist/main.js`];
  const env = {};
  for (const [key, value] of Object.entries(service?.environment ?? {})) env[key] = withComposeDefaults(String(value));
  if (name !== 'gateway' || 'DATABASE_URL' in env) env.DATABASE_URL = databaseUrl;
  Object.assign(env, {
    NATS_URL: natsUrl,
    ADMIN_SECRET: adminSecret,
    HOST: '127.0.0.1',
    [portVariable[name]]: String(port),
    LOG_LEVEL: 'warn',
  });
  // The compose command runs in the image's working directory, the repository root here.
  const [program, ...args] = command;
  return { program: program === 'node' ? process.execPath : program, args, env, fromCompose: Boolean(service) };
}
