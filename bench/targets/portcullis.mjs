import { startPortcullisStack } from '../lib/portcullis-stack.mjs';
import { waitForBody } from '../lib/processes.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * The real gateway, distributed (see ../lib/portcullis-stack.mjs), with a keyless API created through
 * the registry's admin API; only the gateway is pinned to the proxy core. `apiFields` are added to the
 * bench API's definition (e.g. do_not_track); `gatewayEnv(ctx)`, when given, is the gateway's extra
 * environment (it may start something the stack then needs, as long as `stopExtra` stops it).
 */
export function portcullisTarget(name, description, apiFields = {}, { gatewayEnv = async () => ({}), stopExtra = async () => {} } = {}) {
  return {
    name,
    description,
    async start(ctx) {
      let stack;
      try {
        stack = await startPortcullisStack(ctx, name, { gatewayEnv: await gatewayEnv(ctx) });
      } catch (error) {
        await stopExtra();
        throw error;
      }
      const stopAll = async () => {
        await stack.stop();
        await stopExtra();
      };
      try {
        await stack.admin('POST', `${stack.registryUrl}/admin/apis`, {
          name: 'bench',
          use_keyless: true,
          proxy: { listen_path: '/bench/', target_url: ctx.upstream.url, strip_listen_path: true },
          ...apiFields,
        });
        const url = `${stack.gatewayUrl}/bench/`;
        // The change reaches the gateway over NATS; wait for it to serve the API, not a fixed time.
        await waitForBody(url, UPSTREAM_BODY, { process: stack.gateway, timeoutMs: 15_000 });
        return { url, pid: stack.gateway.pid, stop: stopAll };
      } catch (error) {
        await stopAll();
        throw error;
      }
    },
  };
}

export default portcullisTarget('portcullis', 'the Portcullis gateway (distributed), keyless API, strip_listen_path');
