import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Tyk's request and response shaping end to end, Tyk classic definitions posted unchanged to
 * /tyk/apis: header transforms with context variables, strip_auth_data, a URL rewrite with a
 * trigger, a method transform, a mock response and a white_list reply, an internal path, a hard
 * timeout against a slow upstream, and bad definitions refused with 400 naming the field.
 */
describeWithServices('shaping: header transforms, rewrites, mocks, internal paths, hard timeouts', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let stack: Stack | undefined;
  let gateway: StartedService;
  let upstream: Upstream;
  let slow: Server;
  let slowUrl: string;
  let key: string;

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  const shapedVersion = {
    name: 'Default',
    use_extended_paths: true,
    global_headers: { 'X-Gateway': 'portcullis', 'X-Request-Id': '$tyk_context.request_id', 'X-Tier': '$tyk_meta.tier' },
    global_headers_remove: ['X-Internal-Debug'],
    global_response_headers: { 'X-Served-By': 'portcullis' },
    global_response_headers_remove: [],
    extended_paths: {
      transform_headers: [
        { delete_headers: ['X-Drop'], add_headers: { 'X-Agent': '$tyk_context.headers_User_Agent' }, path: '/widgets', method: 'GET', act_on: false },
      ],
      transform_response_headers: [
        { delete_headers: ['Content-Type'], add_headers: { 'Content-Type': 'application/vnd.widgets+json' }, path: '/widgets', method: 'GET', act_on: false },
      ],
      url_rewrites: [
        {
          path: '/old/{id}',
          method: 'GET',
          match_pattern: '/old/(\\d+)',
          rewrite_to: '/new/$1',
          triggers: [
            { on: 'any', options: { header_matches: { 'X-Beta': { match_rx: '^true$', reverse: false } } }, rewrite_to: '/beta/$1' },
            {
              on: 'all',
              options: { session_meta_matches: { tier: { match_rx: '^gold$', reverse: false } }, query_val_matches: { tiered: { match_rx: '1' } } },
              rewrite_to: '/gold/$1',
            },
          ],
        },
      ],
      method_transforms: [{ path: '/legacy', method: 'GET', to_method: 'POST' }],
      mock_response: [{ path: '/status', method: 'GET', code: 200, body: '{"status":"ok"}', headers: { 'Content-Type': 'application/json' } }],
      white_list: [
        { path: '/widgets', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
        { path: '/old', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
        { path: '/legacy', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
        { path: '/status', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
        { path: '/private', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } },
        { path: '/teapot', method_actions: { GET: { action: 'reply', code: 418, data: 'I am a teapot', headers: { 'X-Mocked': 'yes' } } } },
      ],
      internal: [{ path: '/private', method: 'GET' }],
    },
  };

  const tykApi = (api_id: string, target: string, version: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
    api_id,
    name: api_id,
    org_id: 'e2e',
    use_keyless: false,
    use_standard_auth: true,
    auth: { auth_header_name: 'Authorization' },
    enable_context_vars: true,
    strip_auth_data: true,
    proxy: { listen_path: `/${api_id}/`, target_url: target, strip_listen_path: true },
    version_data: { not_versioned: true, default_version: 'Default', versions: { Default: version } },
    ...fields,
  });

  beforeAll(async () => {
    upstream = await startUpstream();
    slow = createServer((_req, res) => setTimeout(() => res.end('late'), 2_000));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    stack = await startStack('portcullis_e2e_shaping', adminSecret);
    ({ gateway } = stack);

    const apis = [
      tykApi('shaped', upstream.url, shapedVersion, { auth: { auth_header_name: 'Authorization', use_cookie: true, cookie_name: 'session' } }),
      tykApi(
        'timed',
        slowUrl,
        { name: 'Default', use_extended_paths: true, extended_paths: { hard_timeouts: [{ path: '/slow', method: 'GET', timeout: 1 }] } },
        { strip_auth_data: false },
      ),
    ];
    for (const api of apis) {
      const posted = await call('POST', '/tyk/apis', api);
      expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    }
    const created = await call('POST', '/tyk/keys', {
      meta_data: { tier: 'gold' },
      access_rights: Object.fromEntries(apis.map((api) => [api.api_id, { api_id: api.api_id, api_name: api.api_id, versions: ['Default'] }])),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    key = created.body.key;
    for (const api of apis) {
      await waitFor(async () => (await fetch(`${gateway.url}/${api.api_id}/widgets`)).status === 401, {
        timeoutMs: 10_000,
        message: `${api.api_id} to be served`,
      });
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await upstream?.close();
    slow?.closeAllConnections();
    await new Promise<void>((resolve) => (slow ? slow.close(() => resolve()) : resolve()));
  });

  it('header transforms with context variables both ways; the credential is not forwarded (strip_auth_data)', async () => {
    const response = await fetch(`${gateway.url}/shaped/widgets`, {
      headers: { authorization: key, 'user-agent': 'e2e-agent', 'x-drop': '1', 'x-internal-debug': '1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-served-by')).toBe('portcullis');
    expect(response.headers.get('content-type')).toBe('application/vnd.widgets+json');
    const seen = (await response.json()) as { path: string; headers: Record<string, string> };
    expect(seen.path).toBe('/widgets');
    expect(seen.headers['x-gateway']).toBe('portcullis');
    expect(seen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.headers['x-agent']).toBe('e2e-agent');
    // $tyk_meta: the key's session meta data.
    expect(seen.headers['x-tier']).toBe('gold');
    expect(seen.headers['x-drop']).toBeUndefined();
    expect(seen.headers['x-internal-debug']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('strip_auth_data: a key sent as a cookie is taken out of the Cookie header; the other cookies go on', async () => {
    const response = await fetch(`${gateway.url}/shaped/widgets`, { headers: { cookie: `theme=dark; session=${key}; lang=en` } });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as { headers: Record<string, string> };
    expect(seen.headers.cookie).toBe('theme=dark; lang=en');
    expect(JSON.stringify(seen.headers)).not.toContain(key);
  });

  it('url_rewrites: $1 groups; a header trigger, and a session meta + query trigger, pick their own targets', async () => {
    const plain = (await (await fetch(`${gateway.url}/shaped/old/42?q=1`, { headers: { authorization: key } })).json()) as {
      path: string;
      query: Record<string, string>;
    };
    expect(plain.path).toBe('/new/42');
    // As Tyk: the rewritten URL replaces the request's, query included.
    expect(plain.query).toEqual({});
    const beta = (await (await fetch(`${gateway.url}/shaped/old/42`, { headers: { authorization: key, 'x-beta': 'true' } })).json()) as { path: string };
    expect(beta.path).toBe('/beta/42');
    // `all`: the key's session meta (tier gold) and the query parameter together.
    const gold = (await (await fetch(`${gateway.url}/shaped/old/42?tiered=1`, { headers: { authorization: key } })).json()) as { path: string };
    expect(gold.path).toBe('/gold/42');
  });

  it('method_transforms: the upstream sees the new method', async () => {
    const seen = (await (await fetch(`${gateway.url}/shaped/legacy`, { headers: { authorization: key } })).json()) as { method: string };
    expect(seen.method).toBe('POST');
  });

  it('mock_response is answered after authentication, a white_list reply before it (Tyk VersionCheck), neither calls the upstream', async () => {
    const before = upstream.requests.length;
    expect((await fetch(`${gateway.url}/shaped/status`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/shaped/teapot`)).status).toBe(418);
    const mocked = await fetch(`${gateway.url}/shaped/status`, { headers: { authorization: key } });
    expect(mocked.status).toBe(200);
    expect(await mocked.json()).toEqual({ status: 'ok' });
    const teapot = await fetch(`${gateway.url}/shaped/teapot`, { headers: { authorization: key } });
    expect(teapot.status).toBe(418);
    expect(teapot.headers.get('x-mocked')).toBe('yes');
    expect(await teapot.text()).toBe('I am a teapot');
    expect(upstream.requests.length).toBe(before);
  });

  it('an internal path is refused from outside (403, as Tyk answers an external caller)', async () => {
    const before = upstream.requests.length;
    const response = await fetch(`${gateway.url}/shaped/private`, { headers: { authorization: key } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'endpoint_forbidden' });
    expect(upstream.requests.length).toBe(before);
  });

  it('hard_timeouts: a slow upstream answers 504 JSON at its path timeout', async () => {
    const started = performance.now();
    const response = await fetch(`${gateway.url}/timed/slow`, { headers: { authorization: key } });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: 'upstream_timeout' });
    expect(performance.now() - started).toBeLessThan(1_900);
  });

  it('bad shaping values are refused with 400 naming the field; nothing is stored', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [
        { extended_paths: { url_rewrites: [{ path: '/a', method: 'GET', match_pattern: '/a/(', rewrite_to: '/b' }] } },
        'version_data.versions.Default.extended_paths.url_rewrites.0.match_pattern',
      ],
      [
        {
          extended_paths: {
            url_rewrites: [
              {
                path: '/a',
                method: 'GET',
                match_pattern: '/a',
                rewrite_to: '/b',
                triggers: [{ on: 'any', options: { query_val_matches: { q: { match_rx: '(' } } }, rewrite_to: '/c' }],
              },
            ],
          },
        },
        'version_data.versions.Default.extended_paths.url_rewrites.0.triggers.0.options.query_val_matches.q.match_rx',
      ],
      [
        { extended_paths: { url_rewrites: [{ path: '/a', method: 'GET', match_pattern: '/a', rewrite_to: 'tyk://self/b' }] } },
        'version_data.versions.Default.extended_paths.url_rewrites.0.rewrite_to',
      ],
      [
        { extended_paths: { hard_timeouts: [{ path: '/a', method: 'GET', timeout: -5 }] } },
        'version_data.versions.Default.extended_paths.hard_timeouts.0.timeout',
      ],
      [
        { extended_paths: { hard_timeouts: [{ path: '/a', method: 'GET', timeout: 1e9 }] } },
        'version_data.versions.Default.extended_paths.hard_timeouts.0.timeout',
      ],
      [
        { extended_paths: { transform: [{ path: '/a', method: 'POST', template_data: { template_mode: 'blob', template_source: 'e30=' } }] } },
        'version_data.versions.Default.extended_paths.transform',
      ],
      [{ global_headers: { 'X-Device': '$tyk_context.deviceid' } }, 'version_data.versions.Default.global_headers.X-Device'],
    ];
    for (const [version, field] of bad) {
      const response = await call('POST', '/tyk/apis', tykApi('bad', upstream.url, { name: 'Default', use_extended_paths: true, ...version }));
      expect(response.status, field).toBe(400);
      expect(JSON.stringify(response.body), field).toContain(field);
    }
    expect((await call('GET', '/tyk/apis/bad')).status).toBe(404);
  });
});
