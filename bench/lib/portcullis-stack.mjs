import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostService } from './compose.mjs';
import { atInterrupt, freePort, httpGet, startProcess, waitFor } from './processes.mjs';
import { createScratchDatabase, reachable, startPrivateNats } from './services.mjs';
import { TargetUnavailable } from './target.mjs';

export const databaseServer = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sharedNats = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * The Portcullis services as the built processes docker-compose.yml runs, on a scratch database and a
 * private NATS (with JetStream, so analytics flow to the registry as in a deployment); only the
 * `pinned` one runs on the target core. Every Portcullis target starts its stack here.
 * Resolves to { procs, urls, gateway, gatewayUrl, registryUrl, database, adminSecret, admin(method, url, body), stop }.
 */
export async function startPortcullisStack(ctx, name, { apps = ['registry', 'auth', 'gateway'], pinned = 'gateway', gatewayEnv = {} } = {}) {
  for (const app of apps) {
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
    const ports = {};
    for (const app of apps) ports[app] = await freePort();
    const urls = Object.fromEntries(apps.map((app) => [app, `http://127.0.0.1:${ports[app]}`]));
    const start = async (app, cpu, extraEnv = {}) => {
      const spec = hostService(ctx.repoRoot, app, { port: ports[app], adminSecret, natsUrl, databaseUrl: database.url });
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env, ...extraEnv };
      const proc = startProcess(`${name}-${app}`, spec.program, spec.args, { cpu, env, cwd: ctx.repoRoot });
      cleanups.push(() => proc.stop());
      const health = `${urls[app]}/health`;
      await waitFor(`${app} ${health}`, async () => (await httpGet(health)).status === 200, { process: proc, timeoutMs: 60_000 });
      return proc;
    };
    // In order (registry first: a gateway's first act is to ask it for a snapshot).
    const procs = {};
    for (const app of apps) procs[app] = await start(app, app === pinned ? ctx.proxyCpu : null, app === 'gateway' ? gatewayEnv : {});
    ctx.log(
      `${name}: ${apps.map((app) => `${app} :${ports[app]}${app === pinned ? ` (pid ${procs[app].pid}, pinned)` : ''}`).join(', ')}, NATS ${privateNats ? `private ${natsUrl}` : natsUrl}, database ${database.name}`,
    );
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
      procs,
      urls,
      gateway: procs.gateway,
      gatewayUrl: urls.gateway,
      registryUrl: urls.registry,
      database,
      adminSecret,
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

/**
 * The backends of a scratch database and PostgreSQL's own background processes (WAL writer,
 * checkpointer: they work for its writes), so their CPU is reported apart, not as others'.
 * Resolves to { companions() → pids, end() }.
 */
export function databaseCompanions(database) {
  const pool = new pg.Pool({ connectionString: databaseServer, max: 1 });
  return {
    async companions() {
      const { rows } = await pool.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 OR (datname IS NULL AND backend_type <> 'client backend')", [
        database.name,
      ]);
      return rows.map((row) => row.pid);
    },
    end: () => pool.end(),
  };
}
