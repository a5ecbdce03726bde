import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostService } from './compose.mjs';
import { atInterrupt, freePort, httpGet, startProcess, waitFor } from './processes.mjs';
import { createScratchDatabase, reachable, startPrivateNats } from './services.mjs';
import { TargetUnavailable } from './target.mjs';

const databaseServer = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sharedNats = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Registry, auth and gateway as the built processes docker-compose.yml runs, on a scratch database
 * and a private NATS (with JetStream, so analytics flow to the registry as in a deployment); only
 * the gateway is pinned. For the targets that configure the gateway with policies and keys first.
 * Resolves to { gatewayUrl, gateway, registryUrl, admin(method, url, body), stop }.
 */
export async function startPortcullisStack(ctx, name, { gatewayEnv = {} } = {}) {
  for (const app of ['registry', 'auth', 'gateway']) {
    if (!existsSync(join(ctx.repoRoot, `apps/${app}/dist/main.js`))) {
      throw new TargetUnavailable(`apps/${app}/dist/main.js is missing (app not written or not built yet)`);
    }
  }
  if (!(await reachable(databaseServer))) throw new TargetUnavailable(`PostgreSQL not reachable at ${databaseServer}`);
  const cleanups = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e) => ctx.log(`${name} cleanup: ${e.message}`));
    forget();
  };
  // On Ctrl-C too, or the scratch database outlives the run.
  const forget = atInterrupt(stop);
  try {
    const privateNats = process.env.BENCH_NATS_URL ? null : await startPrivateNats(ctx.tmpDir);
    if (privateNats) cleanups.push(() => privateNats.stop());
    const natsUrl = privateNats?.url ?? sharedNats;
    if (!(await reachable(natsUrl))) throw new TargetUnavailable(`NATS not reachable at ${natsUrl}`);
    const database = await createScratchDatabase(databaseServer, `portcullis_bench_${name.replace(/[^a-z0-9]/g, '_')}`);
    cleanups.push(() => database.drop());
    const adminSecret = randomBytes(24).toString('hex');
    const ports = { registry: await freePort(), auth: await freePort(), gateway: await freePort() };
    const start = async (app, cpu, extraEnv = {}) => {
      const spec = hostService(ctx.repoRoot, app, { port: ports[app], adminSecret, natsUrl, databaseUrl: database.url });
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env, ...extraEnv };
      const proc = startProcess(`${name}-${app}`, spec.program, spec.args, { cpu, env, cwd: ctx.repoRoot });
      cleanups.push(() => proc.stop());
      const health = `http://127.0.0.1:${ports[app]}/health`;
      await waitFor(`${app} ${health}`, async () => (await httpGet(health)).status === 200, { process: proc, timeoutMs: 60_000 });
      return proc;
    };
    // The registry first: the gateway's first act is to ask it for a snapshot.
    await start('registry', null);
    await start('auth', null);
    const gateway = await start('gateway', ctx.proxyCpu, gatewayEnv);
    ctx.log(`${name}: registry :${ports.registry}, auth :${ports.auth}, gateway :${ports.gateway} (pid ${gateway.pid}), NATS ${privateNats ? `private ${natsUrl}` : natsUrl}, database ${database.name}`);
    const admin = async (method, url, body) => {
      const headers = url.includes('/tyk/') ? { 'x-tyk-authorization': adminSecret } : { authorization: `Bearer ${adminSecret}` };
      const response = await fetch(url, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
      return text ? JSON.parse(text) : null;
    };
    return {
      gateway,
      gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
      registryUrl: `http://127.0.0.1:${ports.registry}`,
      admin,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A policy whose rate limit is far above anything the bench reaches: checked on every request, never refusing. */
export function unrefusingPolicy(id, apiId) {
  return {
    id,
    name: id,
    rate: 1_000_000_000,
    per: 1,
    access_rights: { [apiId]: { api_id: apiId, api_name: apiId, versions: [], allowed_urls: [] } },
  };
}
