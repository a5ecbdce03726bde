import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../../test/fixtures/enforcement.js';
import { compileShaping } from './shape.js';
import { shapedRequestHeaders } from '../shaping/apply.js';
import { ForwardShaping } from '../shaping/forward-shaping.js';

let upstream: Server;
let upstreamUrl: string;
let hits = 0;

beforeAll(async () => {
  // Answers with what it received (method, path and query, headers), and a header to be deleted.
  upstream = createServer((req, res) => {
    hits++;
    const answer = () => {
      res.setHeader('x-upstream-secret', 'internal');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
    };
    if (req.url?.startsWith('/slow')) setTimeout(answer, 1500);
    else answer();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

function api(version: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return definition({
    api_id: 's',
    version_data: { not_versioned: true, versions: { Default: { name: 'Default', ...version } } },
    proxy: { listen_path: '/s/', target_url: upstreamUrl, strip_listen_path: true },
    ...extra,
  } as never);
}

async function gateway(version: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const enforcement = memoryEnforcement();
  const built = compiledConfiguration([api(version, extra)], 30, undefined, enforcement.enforcement);
  const plane = await startDataPlane(built.config);
  return { ...plane, records: enforcement.records, config: built.config, close: async () => (await plane.close(), await built.pools.closeAll()) };
}

async function echo(response: Response) {
  return (await response.json()) as { method: string; url: string; headers: Record<string, string> };
}

describe('shape step', () => {
  it('is compiled only for APIs that shape, right before proxy; others pay nothing', () => {
    const { config } = compiledConfiguration([api({ global_headers: { 'X-A': 'b' } })]);
    const names = config.apis.get('s')!.chain.map((step) => step.name);
    expect(names.slice(-3)).toEqual(['shape', 'proxy', 'record']);
    const plain = compiledConfiguration([definition({ api_id: 'p', proxy: { listen_path: '/p', target_url: upstreamUrl } })]);
    expect(plain.config.apis.get('p')!.chain.map((step) => step.name)).not.toContain('shape');
    expect(plain.config.apis.get('p')!.shaping).toBeNull();
    expect(plain.config.apis.get('p')!.untracked).toBeNull();
  });

  it('global and per-path header transforms, with $tyk_context variables, both directions', async () => {
    const gw = await gateway(
      {
        global_headers: { 'X-Global': 'g', 'X-Client': '$tyk_context.remote_addr', 'X-Trace': '$tyk_context.headers_X_Trace_Id' },
        global_headers_remove: ['X-Remove-Me'],
        global_response_headers: { 'X-Served-By': 'portcullis' },
        global_response_headers_remove: ['X-Upstream-Secret'],
        extended_paths: {
          transform_headers: [
            { path: '/orders', method: 'GET', add_headers: { 'X-Path': '$tyk_context.path', 'X-Id': '$tyk_context.request_id' }, delete_headers: ['X-Drop'] },
          ],
          transform_response_headers: [{ path: '/orders', method: 'GET', add_headers: { 'X-Resp': 'yes' }, delete_headers: [] }],
        },
      },
      { enable_context_vars: true },
    );
    try {
      const response = await fetch(`${gw.url}/s/orders`, { headers: { 'x-remove-me': '1', 'x-drop': '1', 'x-trace-id': 'abc', 'x-global': 'client-value' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-served-by')).toBe('portcullis');
      expect(response.headers.get('x-resp')).toBe('yes');
      expect(response.headers.get('x-upstream-secret')).toBeNull();
      const seen = await echo(response);
      expect(seen.headers['x-global']).toBe('g');
      expect(seen.headers['x-client']).toBe('127.0.0.1');
      expect(seen.headers['x-trace']).toBe('abc');
      expect(seen.headers['x-path']).toBe('/s/orders');
      expect(seen.headers['x-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen.headers['x-remove-me']).toBeUndefined();
      expect(seen.headers['x-drop']).toBeUndefined();
      // Another path: the global edits only.
      const other = await echo(await fetch(`${gw.url}/s/other`, { headers: { 'x-drop': '1' } }));
      expect(other.headers['x-drop']).toBe('1');
      expect(other.headers['x-path']).toBeUndefined();
    } finally {
      await gw.close();
    }
  });

  it('without enable_context_vars $tyk_context is empty (as Tyk); a path edit deletes or replaces what the global one added', async () => {
    const gw = await gateway({
      global_headers: { 'X-Client': 'ip=$tyk_context.remote_addr', 'X-Both': 'global', 'X-Gone': 'global' },
      extended_paths: { transform_headers: [{ path: '/x', method: 'GET', add_headers: { 'X-Both': 'path' }, delete_headers: ['X-Gone'] }] },
    });
    try {
      const seen = await echo(await fetch(`${gw.url}/s/x`));
      expect(seen.headers['x-client']).toBe('ip=');
      expect(seen.headers['x-both']).toBe('path');
      expect(seen.headers['x-gone']).toBeUndefined();
    } finally {
      await gw.close();
    }
  });

  it('mock_response and the white_list reply action answer without calling the upstream', async () => {
    const gw = await gateway({
      use_extended_paths: true,
      extended_paths: {
        mock_response: [{ path: '/mocked', method: 'GET', code: 418, body: '{"teapot":true}', headers: { 'Content-Type': 'application/json' } }],
        white_list: [
          { path: '/replied', method_actions: { GET: { action: 'reply', code: 201, data: 'hello', headers: { 'X-Mock': '1' } } } },
          { path: '/mocked', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
          { path: '/open', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
        ],
      },
    });
    try {
      const before = hits;
      const mocked = await fetch(`${gw.url}/s/mocked`);
      expect(mocked.status).toBe(418);
      expect(await mocked.json()).toEqual({ teapot: true });
      const replied = await fetch(`${gw.url}/s/replied`);
      expect(replied.status).toBe(201);
      expect(replied.headers.get('x-mock')).toBe('1');
      expect(await replied.text()).toBe('hello');
      expect(hits).toBe(before);
      expect((await fetch(`${gw.url}/s/open`)).status).toBe(200);
      expect(hits).toBe(before + 1);
    } finally {
      await gw.close();
    }
  });

  it('a reply method action is answered by the version step before authentication, on any list (Tyk VersionCheck); mock_response after it', async () => {
    const gw = await gateway(
      {
        use_extended_paths: true,
        extended_paths: {
          ignored: [{ path: '/ping', method_actions: { GET: { action: 'reply', code: 200, data: 'pong', headers: {} } } }],
          black_list: [{ path: '/gone', method_actions: { GET: { action: 'reply', code: 410, data: 'gone', headers: { 'X-Why': 'retired' } } } }],
          white_list: [{ path: '/hello', method_actions: { GET: { action: 'reply', code: 200, data: 'hi', headers: {} } } }],
          mock_response: [{ path: '/mocked', method: 'GET', code: 200, body: 'mocked' }],
        },
      },
      { use_keyless: false },
    );
    try {
      const before = hits;
      const ping = await fetch(`${gw.url}/s/ping`);
      expect(ping.status).toBe(200);
      expect(await ping.text()).toBe('pong');
      const gone = await fetch(`${gw.url}/s/gone`);
      expect(gone.status).toBe(410);
      expect(gone.headers.get('x-why')).toBe('retired');
      expect((await fetch(`${gw.url}/s/hello`)).status).toBe(200);
      expect(hits).toBe(before);
      // The white list leaves /mocked out (403); with it listed, mock_response would still need a credential.
      expect((await fetch(`${gw.url}/s/mocked`)).status).toBe(403);
      expect((await fetch(`${gw.url}/s/other`)).status).toBe(403);
      expect((await fetch(`${gw.url}/s/hello`, { method: 'POST' })).status).toBe(403);
    } finally {
      await gw.close();
    }
  });

  it('is read per version: the version the request resolved to shapes it', async () => {
    const enforcement = memoryEnforcement();
    const versioned = definition({
      api_id: 'vs',
      definition: { location: 'header', key: 'x-api-version' },
      version_data: {
        not_versioned: false,
        default_version: 'v1',
        versions: { v1: { name: 'v1', global_headers: { 'X-Version': 'one' } }, v2: { name: 'v2' } },
      },
      proxy: { listen_path: '/vs/', target_url: upstreamUrl, strip_listen_path: true },
    } as never);
    const built = compiledConfiguration([versioned], 30, undefined, enforcement.enforcement);
    const plane = await startDataPlane(built.config);
    try {
      expect((await echo(await fetch(`${plane.url}/vs/a`, { headers: { 'x-api-version': 'v1' } }))).headers['x-version']).toBe('one');
      expect((await echo(await fetch(`${plane.url}/vs/a`, { headers: { 'x-api-version': 'v2' } }))).headers['x-version']).toBeUndefined();
    } finally {
      await plane.close();
      await built.pools.closeAll();
    }
  });

  it('internal paths answer 403 from outside; method_transforms change the method upstream', async () => {
    const gw = await gateway({
      extended_paths: {
        internal: [{ path: '/private', method: 'GET' }],
        method_transforms: [{ path: '/convert', method: 'GET', to_method: 'POST' }],
      },
    });
    try {
      const before = hits;
      const internal = await fetch(`${gw.url}/s/private`);
      expect(internal.status).toBe(403);
      expect(await internal.json()).toMatchObject({ error: 'endpoint_forbidden' });
      expect(hits).toBe(before);
      expect((await echo(await fetch(`${gw.url}/s/convert`))).method).toBe('POST');
      expect((await echo(await fetch(`${gw.url}/s/other`))).method).toBe('GET');
    } finally {
      await gw.close();
    }
  });

  it('hard_timeouts: a slow path answers 504 JSON at its own timeout; others keep the API timeout', async () => {
    const gw = await gateway({ extended_paths: { hard_timeouts: [{ path: '/slow', method: 'GET', timeout: 0.3 }] } });
    try {
      const started = performance.now();
      const slow = await fetch(`${gw.url}/s/slow`);
      expect(slow.status).toBe(504);
      expect(await slow.json()).toMatchObject({ error: 'upstream_timeout' });
      expect(performance.now() - started).toBeLessThan(1400);
      expect((await fetch(`${gw.url}/s/slow-other`, { method: 'POST' })).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('url_rewrites: $1 groups over the URL as received, triggers any/all on header, query and path part; the target replaces the URL', async () => {
    const gw = await gateway(
      {
        extended_paths: {
          url_rewrites: [
            {
              path: '/items/{id}',
              method: 'GET',
              match_pattern: '/items/(\\w+)',
              rewrite_to: '/v2/things/$1',
              triggers: [
                {
                  on: 'all',
                  options: { header_matches: { 'X-Beta': { match_rx: '^yes$', reverse: false } }, query_val_matches: { flag: { match_rx: 'on' } } },
                  rewrite_to: '/beta/$1',
                },
                {
                  on: 'any',
                  options: { path_part_matches: { special: { match_rx: '^special$' } }, header_matches: { 'X-Never': { match_rx: 'x' } } },
                  rewrite_to: '/special?from=$tyk_context.request_method',
                },
              ],
            },
            { path: '/keep/{id}', method: 'GET', match_pattern: '/keep/(\\d+)\\?(.*)', rewrite_to: '/kept/$1?$2' },
            { path: '/who', method: 'GET', match_pattern: '/who', rewrite_to: '/users/$tyk_context.headers_X_User' },
          ],
        },
      },
      { enable_context_vars: true },
    );
    try {
      // As Tyk: the request's query is part of what is matched, and gone unless the target keeps it.
      expect((await echo(await fetch(`${gw.url}/s/items/42?a=1`))).url).toBe('/v2/things/42');
      expect((await echo(await fetch(`${gw.url}/s/keep/7?a=1&b=2`))).url).toBe('/kept/7?a=1&b=2');
      // Variables in a target are query-escaped (Tyk): a header cannot add segments or a query.
      expect((await echo(await fetch(`${gw.url}/s/who`, { headers: { 'x-user': '../admin?x=1' } }))).url).toBe('/users/..%2Fadmin%3Fx%3D1');
      // `all`: the header alone is not enough.
      expect((await echo(await fetch(`${gw.url}/s/items/42`, { headers: { 'x-beta': 'yes' } }))).url).toBe('/v2/things/42');
      expect((await echo(await fetch(`${gw.url}/s/items/42?flag=on`, { headers: { 'x-beta': 'yes' } }))).url).toBe('/beta/42');
      expect((await echo(await fetch(`${gw.url}/s/items/special`))).url).toBe('/special?from=GET');
      expect((await echo(await fetch(`${gw.url}/s/other`))).url).toBe('/other');
    } finally {
      await gw.close();
    }
  });

  it('do_not_track_endpoints: those requests get no analytics record, others do', async () => {
    const gw = await gateway({
      extended_paths: { do_not_track_endpoints: [{ path: '/health', method: 'GET' }], track_endpoints: [{ path: '/orders', method: 'GET' }] },
    });
    try {
      await (await fetch(`${gw.url}/s/health`)).text();
      await (await fetch(`${gw.url}/s/orders`)).text();
      await (await fetch(`${gw.url}/s/health`, { method: 'POST' })).text();
      await new Promise((resolve) => setImmediate(resolve));
      expect(gw.records.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /s/orders', 'POST /s/health']);
    } finally {
      await gw.close();
    }
  });

  it('request_context_matches triggers fire on the request context; strip_auth_data does nothing for a keyless API', async () => {
    const keyed = definition({
      api_id: 'sk',
      use_keyless: true,
      strip_auth_data: true,
      version_data: {
        not_versioned: true,
        versions: {
          Default: {
            name: 'Default',
            extended_paths: {
              url_rewrites: [
                {
                  path: '/ctx',
                  method: 'GET',
                  match_pattern: '/ctx',
                  rewrite_to: '/ctx-miss',
                  triggers: [{ on: 'any', options: { request_context_matches: { request_method: { match_rx: '^GET$' } } }, rewrite_to: '/ctx-hit' }],
                },
              ],
            },
          },
        },
      },
      proxy: { listen_path: '/sk/', target_url: upstreamUrl, strip_listen_path: true },
    } as never);
    // Keyless here (no auth service in this test): strip applies to authenticated APIs only.
    expect(compileShaping(keyed)!.stripHeaders).toBeNull();
    const built = compiledConfiguration([keyed]);
    const plane = await startDataPlane(built.config);
    try {
      expect((await echo(await fetch(`${plane.url}/sk/ctx`))).url).toBe('/ctx-hit');
    } finally {
      await plane.close();
      await built.pools.closeAll();
    }
  });

  it('strip_auth_data: the credential header and query parameter are removed upstream', () => {
    const keyed = definition({
      api_id: 'k',
      use_keyless: false,
      strip_auth_data: true,
      auth: { auth_header_name: 'X-Api-Key', use_param: true, param_name: 'key' },
      proxy: { listen_path: '/k', target_url: upstreamUrl },
    } as never);
    const compiled = compileShaping(keyed)!;
    expect([...compiled.stripHeaders!]).toEqual(['x-api-key']);
    expect(compiled.stripParams).toEqual(['key']);
    const shaping = new ForwardShaping();
    shaping.removeRequest(compiled.stripHeaders!);
    expect(shapedRequestHeaders(['X-Api-Key', 'secret', 'Accept', '*/*'], shaping)).toEqual(['Accept', '*/*']);
    expect(compileShaping({ ...keyed, strip_auth_data: false } as never)).toBeNull();
    const cookied = compileShaping({ ...keyed, auth: { auth_header_name: 'Authorization', use_cookie: true, cookie_name: 'session' } } as never)!;
    expect(cookied.stripCookies).toEqual(['session']);
  });
});
