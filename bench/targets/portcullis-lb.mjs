import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPortcullisStack } from '../lib/portcullis-stack.mjs';
import { httpGet, startProcess, waitForBody } from '../lib/processes.mjs';
import { listeningPort } from '../lib/target.mjs';
import { COUNT_PATH, UPSTREAM_BODY } from '../lib/upstream-body.mjs';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));

async function served(url) {
  const { body } = await httpGet(`${url}${COUNT_PATH}`, { timeoutMs: 5000 });
  return JSON.parse(body).served;
}

/**
 * Tyk's load balancing over two targets: the bench's upstream and a second upstream process of its
 * own (same server, not pinned, as the first), a keyless API posted to `/tyk/apis` with
 * `enable_load_balancing` and both in `target_list`. Keyless so its `× portcullis` is the balancer's
 * cost alone (issue 13's goal: ≥ 0.90). What the second upstream served is added to the first's
 * count (`extraServed`), so every answer is still checked to have reached an upstream.
 */
export default {
  name: 'portcullis-lb',
  description: 'the Portcullis gateway (distributed): keyless Tyk definition load balancing round robin over two upstream processes',
  async start(ctx) {
    const second = startProcess('upstream-2', process.execPath, [join(benchDir, 'lib/upstream-server.mjs')]);
    let stack = null;
    const stop = async () => {
      await stack?.stop();
      await second.stop();
    };
    try {
      const secondUrl = `http://127.0.0.1:${await listeningPort(second)}`;
      stack = await startPortcullisStack(ctx, 'portcullis-lb');
      await stack.admin('POST', `${stack.gatewayUrl}/tyk/apis`, {
        api_id: 'bench-lb',
        name: 'Bench LB',
        org_id: 'bench',
        active: true,
        use_keyless: true,
        proxy: {
          listen_path: '/bench/',
          target_url: ctx.upstream.url,
          strip_listen_path: true,
          enable_load_balancing: true,
          target_list: [ctx.upstream.url, secondUrl],
        },
      });
      const url = `${stack.gatewayUrl}/bench/`;
      await waitForBody(url, UPSTREAM_BODY, { process: stack.gateway, timeoutMs: 15_000 });
      // Balanced, not sent to one: the next two requests reach one upstream each.
      const before = await served(secondUrl);
      for (let i = 0; i < 2; i++) await waitForBody(url, UPSTREAM_BODY, { process: stack.gateway, timeoutMs: 5_000 });
      if ((await served(secondUrl)) - before !== 1)
        throw new Error('portcullis-lb: the second target did not get every other request: load balancing is not in effect');
      return { url, pid: stack.gateway.pid, stop, extraServed: () => served(secondUrl) };
    } catch (error) {
      await stop();
      throw error;
    }
  },
};
