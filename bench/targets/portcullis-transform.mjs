import { startPortcullisStack } from '../lib/portcullis-stack.mjs';
import { waitFor } from '../lib/processes.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * A classic Tyk definition with header transforms and a URL rewrite (issue 13), keyless so that its
 * ratio to `portcullis` (the same keyless API without them) is their cost alone: global request
 * headers (one static, one `$tyk_context.request_id`, one removed), a per-path transform adding a
 * header from a request header, a response header added and one removed, and a rewrite of
 * `/items/{id}` to `/things/$1` with a header trigger that does not fire.
 */
export function transformDefinition(targetUrl) {
  return {
    api_id: 'bench-transform',
    name: 'Bench transform',
    org_id: 'bench',
    active: true,
    use_keyless: true,
    enable_context_vars: true,
    version_data: {
      not_versioned: true,
      default_version: 'Default',
      versions: {
        Default: {
          name: 'Default',
          use_extended_paths: true,
          global_headers: { 'X-Gateway': 'portcullis', 'X-Request-Id': '$tyk_context.request_id' },
          global_headers_remove: ['X-Debug'],
          global_response_headers: { 'X-Served-By': 'portcullis' },
          global_response_headers_remove: ['X-Upstream'],
          extended_paths: {
            transform_headers: [
              { path: '/items', method: 'GET', add_headers: { 'X-Agent': '$tyk_context.headers_User_Agent' }, delete_headers: ['Cookie'], act_on: false },
            ],
            url_rewrites: [
              {
                path: '/items/{id}',
                method: 'GET',
                match_pattern: '/items/(\\w+)',
                rewrite_to: '/things/$1',
                triggers: [{ on: 'any', options: { header_matches: { 'X-Beta': { match_rx: '^true$', reverse: false } } }, rewrite_to: '/beta/things/$1' }],
              },
            ],
          },
        },
      },
    },
    proxy: { listen_path: '/bench/', target_url: targetUrl, strip_listen_path: true },
  };
}

export default {
  name: 'portcullis-transform',
  description: 'the Portcullis gateway (distributed): keyless Tyk definition with global and per-path header transforms and a URL rewrite',
  async start(ctx) {
    const stack = await startPortcullisStack(ctx, 'portcullis-transform');
    try {
      await stack.admin('POST', `${stack.gatewayUrl}/tyk/apis`, transformDefinition(ctx.upstream.url));
      const request = { method: 'GET', headers: { 'user-agent': 'bench' } };
      const url = `${stack.gatewayUrl}/bench/items/42`;
      // The response header added by the definition proves the transforms run on the measured request.
      await waitFor(
        `${url} to serve the transform API`,
        async () => {
          const response = await fetch(url, { headers: request.headers });
          return response.status === 200 && (await response.text()) === UPSTREAM_BODY && response.headers.get('x-served-by') === 'portcullis';
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
