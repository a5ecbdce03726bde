import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { startStack, type Stack } from './support/stack.js';

/** Tyk's answers (gateway/api_definition.go's RequestStatus), in Portcullis's error shape. */
const versionNotFound = { error: 'version_not_found', message: 'Version information not found' };
const versionUnknown = { error: 'version_unknown', message: 'This API version does not seem to exist' };
const versionExpired = { error: 'version_expired', message: 'Api Version has expired, please check documentation or contact administrator' };
const endpointForbidden = { error: 'endpoint_forbidden', message: 'Requested endpoint is forbidden' };
const accessDenied = { error: 'access_denied', message: 'Access to this resource has been disallowed' };
const noAction = { GET: { action: 'no_action', code: 200, data: '', headers: {} } };

/**
 * Tyk's versions and path rules end to end: registry, auth service and a gateway as processes on
 * the machine's NATS and PostgreSQL, two real upstreams, definitions and policy posted in Tyk's
 * shape through /tyk/, requests entering through HTTP with Tyk's status codes and messages asserted.
 */
describeWithServices('versions and path rules: Tyk definitions through the real services', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let stack: Stack | undefined;
  let gateway: StartedService;
  let upstream: Upstream;
  let second: Upstream;
  let key: string;

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function send(path: string, headers: Record<string, string> = {}, method = 'GET') {
    const response = await fetch(`${gateway.url}${path}`, { method, headers });
    return { status: response.status, body: (await response.json()) as any };
  }

  const withKey = (headers: Record<string, string> = {}) => ({ Authorization: key, ...headers });

  const api = (api_id: string, fields: Record<string, unknown>) => ({
    api_id,
    name: api_id,
    use_keyless: false,
    use_standard_auth: true,
    auth: { auth_header_name: 'Authorization' },
    proxy: { listen_path: `/${api_id}/`, target_url: upstream.url, strip_listen_path: true },
    ...fields,
  });

  beforeAll(async () => {
    [upstream, second] = await Promise.all([startUpstream(), startUpstream()]);
    stack = await startStack('portcullis_e2e_versions', adminSecret);
    ({ gateway } = stack);

    const definitions = [
      api('ver-header', {
        definition: { location: 'header', key: 'x-api-version', strip_versioning_data: true },
        version_data: {
          not_versioned: false,
          default_version: 'v3',
          versions: {
            v1: { name: 'v1', expires: '2001-01-01 00:00', use_extended_paths: true, extended_paths: {} },
            v2: { name: 'v2', expires: '3000-01-01 00:00', use_extended_paths: true, extended_paths: {}, override_target: `${second.url}/v2` },
            v3: {
              name: 'v3',
              expires: '',
              use_extended_paths: true,
              extended_paths: {
                ignored: [{ path: '/health', method_actions: noAction }],
                black_list: [{ path: '/items/admin', method_actions: noAction }],
                white_list: [
                  { path: '/items/{id}', method_actions: noAction },
                  { path: '/health', method_actions: noAction },
                ],
              },
            },
          },
        },
      }),
      api('ver-url', {
        definition: { location: 'url', key: '', strip_versioning_data: true },
        version_data: {
          not_versioned: false,
          default_version: '',
          versions: { v1: { name: 'v1', use_extended_paths: true }, v2: { name: 'v2', use_extended_paths: true } },
        },
      }),
      api('ver-param', {
        use_keyless: true,
        use_standard_auth: false,
        definition: { location: 'url-param', key: 'version' },
        version_data: {
          not_versioned: false,
          versions: {
            v1: { name: 'v1', use_extended_paths: true },
            v2: { name: 'v2', use_extended_paths: false, paths: { ignored: [], white_list: [], black_list: ['/old'] } },
          },
        },
      }),
      api('paths', {
        version_data: {
          not_versioned: true,
          versions: {
            Default: {
              name: 'Default',
              use_extended_paths: true,
              extended_paths: { ignored: [{ path: '/public', method_actions: noAction }], black_list: [{ path: '/blocked', method_actions: noAction }] },
            },
          },
        },
      }),
    ];
    const policy = {
      id: 'ver-e2e',
      access_rights: {
        'ver-header': { versions: ['v2', 'v3'] },
        'ver-url': { versions: ['v1'], allowed_urls: [{ url: '/orders', methods: ['GET'] }] },
        paths: { versions: ['Default'] },
      },
    };
    expect((await call('POST', '/tyk/policies', policy)).status).toBe(200);
    for (const definition of definitions) {
      const created = await call('POST', '/tyk/apis', definition);
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    key = (await call('POST', '/tyk/keys', { apply_policies: ['ver-e2e'] })).body.key;
    for (const probe of ['/ver-header/items/1', '/ver-url/v1/orders', '/paths/private']) {
      await waitFor(async () => (await send(probe)).status === 401, { timeoutMs: 10_000, message: `${probe} to be served` });
    }
    await waitFor(async () => (await send('/ver-param/x?version=v1')).status === 200, { timeoutMs: 10_000, message: 'ver-param to be served' });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.allSettled([upstream?.close(), second?.close()]);
  });

  it('versions by header: the named version is served (the header kept from the upstream), the default without one', async () => {
    const named = await send('/ver-header/items/7', withKey({ 'X-API-Version': 'v3' }));
    expect(named.status).toBe(200);
    expect(named.body.path).toBe('/items/7');
    expect(named.body.headers['x-api-version']).toBeUndefined();
    expect(await send('/ver-header/items/7', withKey())).toMatchObject({ status: 200, body: { path: '/items/7' } });
  });

  it("an expired version and an unknown one answer 403 with Tyk's messages, before any credential is asked for", async () => {
    expect(await send('/ver-header/items/7', withKey({ 'x-api-version': 'v1' }))).toEqual({ status: 403, body: versionExpired });
    expect(await send('/ver-header/items/7', { 'x-api-version': 'v1' })).toEqual({ status: 403, body: versionExpired });
    expect(await send('/ver-header/items/7', withKey({ 'x-api-version': 'v9' }))).toEqual({ status: 403, body: versionUnknown });
  });

  it("override_target: a version's requests reach its own upstream", async () => {
    const before = second.requests.length;
    const v2 = await send('/ver-header/items/7', withKey({ 'x-api-version': 'v2' }));
    expect(v2).toMatchObject({ status: 200, body: { path: '/v2/items/7' } });
    expect(second.requests.length).toBe(before + 1);
  });

  it('a white list serves what it lists (path with {id}, method); everything else is 403 "Requested endpoint is forbidden"', async () => {
    expect((await send('/ver-header/items/42', withKey())).status).toBe(200);
    expect(await send('/ver-header/orders', withKey())).toEqual({ status: 403, body: endpointForbidden });
    expect(await send('/ver-header/items/42', withKey(), 'DELETE')).toEqual({ status: 403, body: endpointForbidden });
  });

  it('a black list refuses its path even where the white list would allow it, with or without a credential', async () => {
    expect(await send('/ver-header/items/admin', withKey())).toEqual({ status: 403, body: endpointForbidden });
    expect(await send('/ver-header/items/admin')).toEqual({ status: 403, body: endpointForbidden });
    expect(await send('/paths/blocked', withKey())).toEqual({ status: 403, body: endpointForbidden });
    expect((await send('/paths/allowed', withKey())).status).toBe(200);
  });

  it('an ignored path is reached without a credential on a keyed API, while its neighbour needs one', async () => {
    expect(await send('/paths/public')).toMatchObject({ status: 200, body: { path: '/public' } });
    expect((await send('/paths/private')).status).toBe(401);
    expect((await send('/paths/private', withKey())).status).toBe(200);
    expect((await send('/ver-header/health')).status).toBe(200);
    expect((await send('/ver-header/items/1')).status).toBe(401);
    // The ignored entry names GET only: a POST is not ignored.
    expect((await send('/paths/public', {}, 'POST')).status).toBe(401);
  });

  it("versions by URL segment: stripped from the upstream path; a version the key's rights do not list is 403", async () => {
    expect(await send('/ver-url/v1/orders', withKey())).toMatchObject({ status: 200, body: { path: '/orders' } });
    expect(await send('/ver-url/v2/orders', withKey())).toEqual({ status: 403, body: accessDenied });
    expect(await send('/ver-url/v3/orders', withKey())).toEqual({ status: 403, body: versionUnknown });
    // allowed_urls keep working below the version segment.
    expect(await send('/ver-url/v1/users', withKey())).toEqual({ status: 403, body: accessDenied });
  });

  it('versions by query parameter: the named one is served; none and no default is "Version information not found"; legacy black list', async () => {
    expect(await send('/ver-param/x?version=v1&a=1')).toMatchObject({ status: 200, body: { path: '/x', query: { version: 'v1', a: '1' } } });
    expect(await send('/ver-param/x')).toEqual({ status: 403, body: versionNotFound });
    expect(await send('/ver-param/old?version=v2')).toEqual({ status: 403, body: endpointForbidden });
    expect((await send('/ver-param/old?version=v1')).status).toBe(200);
  });

  it('a definition whose path is no regular expression is refused with 400 naming the field', async () => {
    const refused = await call(
      'POST',
      '/tyk/apis',
      api('ver-bad', {
        version_data: {
          not_versioned: true,
          versions: { Default: { use_extended_paths: true, extended_paths: { black_list: [{ path: '/a(', method_actions: noAction }] } } },
        },
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'version_data.versions.Default.extended_paths.black_list.0.path' }] });
  });
});
