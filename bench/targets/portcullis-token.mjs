import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { hostService } from '../lib/compose.mjs';
import { atInterrupt, freePort, httpGet, startProcess, waitFor } from '../lib/processes.mjs';
import { createScratchDatabase, reachable, startPrivateNats } from '../lib/services.mjs';
import { TargetUnavailable } from '../lib/target.mjs';
import { clientCredentialsRequest } from '../lib/token-request.mjs';

/**
 * The auth service's token endpoint, as docker-compose.yml runs it (built, plain process, scratch
 * database, private NATS), with a confidential client allowed only client_credentials, created
 * through the registry's admin API. Each token is an ES256 JWT that the service also records in
 * PostgreSQL and announces on NATS (auth.token.issued): all of that is what is measured. Only the
 * auth process is pinned; PostgreSQL is the machine's, not pinned, and its CPU is reported apart.
 */
const databaseServer = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sharedNats = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

export default {
  name: 'portcullis-token',
  description: 'the Portcullis auth service (built, one process): client_credentials, client_secret_basic, ES256 JWT access token, recorded in PostgreSQL and published on NATS per token',
  async start(ctx) {
    for (const name of ['registry', 'auth']) {
      if (!existsSync(join(ctx.repoRoot, `apps/${name}/dist/main.js`))) {
        throw new TargetUnavailable(`apps/${name}/dist/main.js is missing (app not written or not built yet)`);
      }
    }
    if (!(await reachable(databaseServer))) throw new TargetUnavailable(`PostgreSQL not reachable at ${databaseServer}`);

    const cleanups = [];
    const stop = async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e) => ctx.log(`portcullis-token cleanup: ${e.message}`));
      forget();
    };
    // On Ctrl-C too, or the scratch database outlives the run.
    const forget = atInterrupt(stop);
    try {
      const privateNats = process.env.BENCH_NATS_URL ? null : await startPrivateNats(ctx.tmpDir);
      if (privateNats) cleanups.push(() => privateNats.stop());
      const natsUrl = privateNats?.url ?? sharedNats;
      if (!(await reachable(natsUrl))) throw new TargetUnavailable(`NATS not reachable at ${natsUrl}`);

      const database = await createScratchDatabase(databaseServer, 'portcullis_bench_token');
      cleanups.push(() => database.drop());
      const adminSecret = randomBytes(24).toString('hex');
      const ports = { registry: await freePort(), auth: await freePort() };
      const start = async (name, cpu) => {
        const spec = hostService(ctx.repoRoot, name, { port: ports[name], adminSecret, natsUrl, databaseUrl: database.url });
        const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env };
        const proc = startProcess(`portcullis-${name}`, spec.program, spec.args, { cpu, env, cwd: ctx.repoRoot });
        cleanups.push(() => proc.stop());
        const health = `http://127.0.0.1:${ports[name]}/health`;
        await waitFor(`${name} ${health}`, async () => (await httpGet(health)).status === 200, { process: proc, timeoutMs: 60_000 });
        return proc;
      };
      await start('registry', null);
      const auth = await start('auth', ctx.proxyCpu);
      ctx.log(`portcullis-token: registry :${ports.registry}, auth :${ports.auth} (pid ${auth.pid}), NATS ${privateNats ? `private ${natsUrl}` : natsUrl}, database ${database.name}`);

      // Through the one admin API, as an operator would; the auth service answers over the bus.
      const created = await waitFor('the registry to create the client (auth reachable over the bus)', async () => {
        const response = await fetch(`http://127.0.0.1:${ports.registry}/admin/oauth/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ client_name: 'bench', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' }),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status === 503) return null;
        const body = await response.text();
        if (response.status !== 201) throw new Error(`POST /admin/oauth/clients answered ${response.status}: ${body}`);
        return JSON.parse(body);
      }, { process: auth, timeoutMs: 20_000, intervalMs: 250 });
      if (typeof created.client_secret !== 'string') throw new Error('the created client came back without a secret');

      const pool = new pg.Pool({ connectionString: databaseServer, max: 1 });
      cleanups.push(() => pool.end());
      return {
        url: `http://127.0.0.1:${ports.auth}/oauth/token`,
        request: clientCredentialsRequest(created.client_id, created.client_secret),
        pid: auth.pid,
        stop,
        // The backends of our database and PostgreSQL's own background processes (WAL writer,
        // checkpointer: they work for our inserts), so their CPU is not counted as others'.
        async companions() {
          const { rows } = await pool.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 OR (datname IS NULL AND backend_type <> 'client backend')",
            [database.name],
          );
          return rows.map((row) => row.pid);
        },
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
};
