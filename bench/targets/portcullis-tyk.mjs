import { startPortcullisStack } from '../lib/portcullis-stack.mjs';
import { waitFor } from '../lib/processes.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

const ORIGIN = 'https://app.example.com';

/** Both versions serve the same paths: a white list of the API's routes, a JSON schema on order creation. */
const extendedPaths = {
  white_list: [
    { path: '/items', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
    { path: '/items/{id}', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
    { path: '/orders', method_actions: { POST: { action: 'no_action', code: 200, data: '', headers: {} } } },
  ],
  validate_json: [
    {
      path: '/orders',
      method: 'POST',
      schema: {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        properties: { item: { type: 'string' }, qty: { type: 'integer', minimum: 1 } },
        required: ['item', 'qty'],
      },
      error_response_code: 422,
    },
  ],
};

/**
 * A classic Tyk definition as a Tyk user would bring it (posted to `/tyk/apis`, Tyk's Gateway API):
 * keyless, versioned by the `x-api-version` header (v1 with an expiry date, v2 the default), an IP
 * allow list, CORS for one origin, a path white list and JSON validation of POST /orders. Keyless so
 * that the ratio to `portcullis` (the same keyless API without these features) is their cost alone:
 * the cost of a key or a JWT is what `portcullis-key` and `portcullis-jwt` show.
 */
export function tykDefinition(targetUrl) {
  return {
    api_id: 'bench-tyk',
    name: 'Bench Tyk',
    slug: 'bench-tyk',
    org_id: 'bench',
    active: true,
    use_keyless: true,
    definition: { location: 'header', key: 'x-api-version', strip_versioning_data: false },
    version_data: {
      not_versioned: false,
      default_version: 'v2',
      versions: {
        v1: { name: 'v1', expires: '2099-12-31 23:59', use_extended_paths: true, extended_paths: extendedPaths },
        v2: { name: 'v2', expires: '', use_extended_paths: true, extended_paths: extendedPaths },
      },
    },
    enable_ip_whitelisting: true,
    allowed_ips: ['127.0.0.1', '::1'],
    CORS: {
      enable: true,
      allowed_origins: [ORIGIN],
      allowed_methods: ['GET', 'POST', 'OPTIONS'],
      allowed_headers: ['Content-Type', 'X-Api-Version'],
      exposed_headers: [],
      allow_credentials: false,
      max_age: 600,
      options_passthrough: false,
    },
    proxy: { listen_path: '/bench/', target_url: targetUrl, strip_listen_path: true },
  };
}

/**
 * The features are on, not ignored: what each should refuse is refused (the IP list cannot be seen
 * refusing from loopback; the CORS header above shows CORS). A figure for an API that silently
 * dropped a feature would measure less than it says.
 */
async function refusals(gatewayUrl, headers) {
  const expect = async (what, status, path, init = {}) => {
    const response = await fetch(`${gatewayUrl}${path}`, { ...init, headers: { ...headers, ...init.headers } });
    await response.arrayBuffer();
    if (response.status !== status)
      throw new Error(`portcullis-tyk: ${what} answered ${response.status}, not ${status}: the definition is not enforced as the bench assumes`);
  };
  await expect('a path outside the white list', 403, '/bench/admin');
  await expect('an unknown version', 403, '/bench/items', { headers: { 'x-api-version': 'v9' } });
  await expect('POST /orders with a body the schema refuses', 422, '/bench/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"qty":0}',
  });
  await expect('POST /orders with a valid body', 200, '/bench/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"item":"a","qty":1}',
  });
}

/**
 * The real gateway serving that definition. The measured request is a browser-style GET of a
 * white-listed path naming v1 (so the expiry is checked too) with its Origin: every feature but the
 * JSON validation (POST only) runs on every request; validate-json is in the chain and looks for its
 * entry, as it does for any GET to such an API.
 */
export default {
  name: 'portcullis-tyk',
  description: 'the Portcullis gateway (distributed): keyless Tyk definition with header versioning, IP allow list, CORS, white list, validate_json',
  async start(ctx) {
    const stack = await startPortcullisStack(ctx, 'portcullis-tyk');
    try {
      await stack.admin('POST', `${stack.gatewayUrl}/tyk/apis`, tykDefinition(ctx.upstream.url));
      const request = { method: 'GET', headers: { 'x-api-version': 'v1', Origin: ORIGIN } };
      const url = `${stack.gatewayUrl}/bench/items`;
      // Served once the definition reached the gateway over NATS, with the CORS answer that proves the features run.
      await waitFor(
        `${url} to serve the Tyk API`,
        async () => {
          const response = await fetch(url, { headers: request.headers });
          return response.status === 200 && (await response.text()) === UPSTREAM_BODY && response.headers.get('access-control-allow-origin') === ORIGIN;
        },
        { process: stack.gateway, timeoutMs: 15_000 },
      );
      await refusals(stack.gatewayUrl, request.headers);
      return { url, request, pid: stack.gateway.pid, stop: stack.stop };
    } catch (error) {
      await stack.stop();
      throw error;
    }
  },
};
