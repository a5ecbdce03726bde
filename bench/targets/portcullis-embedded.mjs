import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpGet, startProcess, waitFor, waitForBody } from '../lib/processes.mjs';
import { TargetUnavailable } from '../lib/target.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * The embedded start as `npm start` runs it (apps/portcullis/dist/main.js: gateway, registry and
 * auth in one process, PGlite in its worker threads, the in-process bus), on a new data directory in
 * the run's scratch directory. Keyless API with analytics on. The whole process is pinned to the
 * proxy core: its analytics ingest and database share the gateway's core, as on a one-core machine.
 */
export default {
  name: 'portcullis-embedded',
  description:
    'the embedded start (`npm start`: one process, PGlite in worker threads, in-process bus) on a new data dir, keyless API, analytics on; the whole process pinned',
  async start(ctx) {
    const main = join(ctx.repoRoot, 'apps/portcullis/dist/main.js');
    if (!existsSync(main)) throw new TargetUnavailable('apps/portcullis/dist/main.js is missing (not built)');
    const adminSecret = randomBytes(24).toString('hex');
    const ports = { gateway: await freePort(), registry: await freePort(), auth: await freePort() };
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: join(ctx.tmpDir, `embedded-${randomBytes(4).toString('hex')}`),
      HOST: '127.0.0.1',
      GATEWAY_PORT: String(ports.gateway),
      REGISTRY_PORT: String(ports.registry),
      AUTH_PORT: String(ports.auth),
      ADMIN_SECRET: adminSecret,
      LOG_LEVEL: 'warn',
    };
    const proc = startProcess('portcullis-embedded', process.execPath, [main], { cpu: ctx.proxyCpu, env, cwd: ctx.repoRoot });
    try {
      const registry = `http://127.0.0.1:${ports.registry}`;
      const gateway = `http://127.0.0.1:${ports.gateway}`;
      // A new data directory is initialised first (initdb, twice): tens of seconds on a busy machine.
      await waitFor(`embedded ${gateway}/health`, async () => (await httpGet(`${gateway}/health`)).status === 200, { process: proc, timeoutMs: 180_000 });
      const response = await fetch(`${registry}/admin/apis`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench', use_keyless: true, proxy: { listen_path: '/bench/', target_url: ctx.upstream.url, strip_listen_path: true } }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status >= 300) throw new Error(`POST /admin/apis answered ${response.status}: ${await response.text()}`);
      const url = `${gateway}/bench/`;
      await waitForBody(url, UPSTREAM_BODY, { process: proc, timeoutMs: 15_000 });
      ctx.log(`portcullis-embedded: gateway :${ports.gateway} (pid ${proc.pid}, pinned), data dir ${env.DATA_DIR}`);
      return { url, pid: proc.pid, stop: () => proc.stop() };
    } catch (error) {
      await proc.stop();
      throw error;
    }
  },
};
