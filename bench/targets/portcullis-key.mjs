import { startPortcullisStack, unrefusingPolicy } from '../lib/portcullis-stack.mjs';
import { waitFor } from '../lib/processes.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * The real gateway with an API key (Tyk's auth token) on every request: key lookup (cached after
 * the first), access rights, a rate limit checked on every request (set too high to refuse), the
 * rate-limit headers on every answer, and analytics records batched to JetStream.
 */
export default {
  name: 'portcullis-key',
  description: 'the Portcullis gateway (distributed): API key + policy (access rights, rate limit that never refuses) + analytics',
  async start(ctx) {
    const stack = await startPortcullisStack(ctx, 'portcullis-key');
    try {
      const apiId = 'bench-key';
      await stack.admin('POST', `${stack.registryUrl}/admin/apis`, {
        api_id: apiId,
        name: apiId,
        proxy: { listen_path: '/bench/', target_url: ctx.upstream.url, strip_listen_path: true },
      });
      await stack.admin('POST', `${stack.registryUrl}/admin/policies`, unrefusingPolicy('bench-key-policy', apiId));
      const created = await stack.admin('POST', `${stack.gatewayUrl}/tyk/keys`, { apply_policies: ['bench-key-policy'] });
      const request = { method: 'GET', headers: { Authorization: created.key } };
      const url = `${stack.gatewayUrl}/bench/`;
      // The API and policy reach the gateway over NATS: wait until the key is served.
      await waitFor(
        `${url} to serve the key`,
        async () => {
          const response = await fetch(url, { headers: request.headers });
          return response.status === 200 && (await response.text()) === UPSTREAM_BODY && response.headers.has('x-ratelimit-limit');
        },
        { process: stack.gateway, timeoutMs: 15_000 },
      );
      return { url, request, pid: stack.gateway.pid, stop: stack.stop };
    } catch (error) {
      await stack.stop();
      throw error;
    }
  },
};
