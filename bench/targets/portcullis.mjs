import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostService } from '../lib/compose.mjs';
import { atInterrupt, freePort, httpGet, startProcess, waitFor, waitForBody } from '../lib/processes.mjs';
import { createScratchDatabase, reachable, startPrivateNats } from '../lib/services.mjs';
import { TargetUnavailable } from '../lib/target.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * The real gateway, distributed: registry, auth and gateway as the built processes docker-compose.yml
 * runs, on a scratch PostgreSQL database and (when nats-server is installed) a private NATS. A keyless
 * API is created through the registry's admin API; only the gateway is pinned to the proxy core.
 */
const databaseServer = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sharedNats = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

/** The keyless gateway; `apiFields` are added to the bench API's definition (e.g. do_not_track). */
export function portcullisTarget(name, description, apiFields = {}) {
  return {
    name,
    description,
    async start(ctx) {
      for (const app of ['registry', 'auth', 'gateway']) {
        if (!existsSync(join(ctx.repoRoot, `apps/${app}/dist/main.js`))) {
          throw new TargetUnavailable(`apps/${app}/dist/main.js is missing (app not written or not built yet)`);
        }
      }
      if (!(await reachable(databaseServer))) throw new TargetUnavailable(`PostgreSQL not reachable at ${databaseServer}`);

      const cleanups = [];
      const stop = async () => {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e) => ctx.log(`portcullis cleanup: ${e.message}`));
        forget();
      };
      // On Ctrl-C too, or the scratch database outlives the run.
      const forget = atInterrupt(stop);
      try {
        const privateNats = process.env.BENCH_NATS_URL ? null : await startPrivateNats(ctx.tmpDir);
        if (privateNats) cleanups.push(() => privateNats.stop());
        const natsUrl = privateNats?.url ?? sharedNats;
        if (!(await reachable(natsUrl))) throw new TargetUnavailable(`NATS not reachable at ${natsUrl}`);

        const database = await createScratchDatabase(databaseServer);
        cleanups.push(() => database.drop());
        const adminSecret = randomBytes(24).toString('hex');
        const ports = { registry: await freePort(), auth: await freePort(), gateway: await freePort() };
        const start = async (name, cpu) => {
          const spec = hostService(ctx.repoRoot, name, { port: ports[name], adminSecret, natsUrl, databaseUrl: database.url });
          const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env };
          const proc = startProcess(`portcullis-${name}`, spec.program, spec.args, { cpu, env, cwd: ctx.repoRoot });
          cleanups.push(() => proc.stop());
          const health = `http://127.0.0.1:${ports[name]}/health`;
          await waitFor(`${name} ${health}`, async () => (await httpGet(health)).status === 200, { process: proc, timeoutMs: 60_000 });
          return proc;
        };
        // The registry first: the gateway's first act is to ask it for a snapshot.
        await start('registry', null);
        await start('auth', null);
        const gateway = await start('gateway', ctx.proxyCpu);
        ctx.log(`portcullis: registry :${ports.registry}, auth :${ports.auth}, gateway :${ports.gateway} (pid ${gateway.pid}), NATS ${privateNats ? `private ${natsUrl}` : natsUrl}, database ${database.name}`);

        const created = await fetch(`http://127.0.0.1:${ports.registry}/admin/apis`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'bench',
            use_keyless: true,
            proxy: { listen_path: '/bench/', target_url: ctx.upstream.url, strip_listen_path: true },
            ...apiFields,
          }),
          signal: AbortSignal.timeout(10_000),
        });
        if (created.status !== 201 && created.status !== 200) {
          throw new Error(`POST /admin/apis answered ${created.status}: ${await created.text()}`);
        }
        const url = `http://127.0.0.1:${ports.gateway}/bench/`;
        // The change reaches the gateway over NATS; wait for it to serve the API, not a fixed time.
        await waitForBody(url, UPSTREAM_BODY, { process: gateway, timeoutMs: 15_000 });
        return { url, pid: gateway.pid, stop };
      } catch (error) {
        await stop();
        throw error;
      }
    },
  };
}

export default portcullisTarget('portcullis', 'the Portcullis gateway (distributed), keyless API, strip_listen_path');

