import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Tyk's request checks end to end, with Tyk definitions and policies in Tyk's shape posted to
 * /tyk/: CORS (preflight answered before authentication), size limits, validate_json,
 * global_rate_limit and a policy's per-API limit; registry, auth service and a gateway as processes
 * on the machine's NATS and PostgreSQL, a real upstream.
 */
describeWithServices('request checks: CORS, size limits, validate_json, global and per-API rate limits', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let stack: Stack | undefined;
  let gateway: StartedService;
  let upstream: Upstream;
  let key: string;

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  const versionData = (version: Record<string, unknown>) => ({
    not_versioned: true,
    default_version: 'Default',
    versions: { Default: { name: 'Default', use_extended_paths: true, ...version } },
  });
  const tykApi = (api_id: string, fields: Record<string, unknown>) => ({
    api_id,
    name: api_id,
    org_id: 'e2e',
    use_keyless: false,
    use_standard_auth: true,
    auth: { auth_header_name: 'Authorization' },
    proxy: { listen_path: `/${api_id}/`, target_url: upstream.url, strip_listen_path: true },
    version_data: versionData({}),
    ...fields,
  });

  beforeAll(async () => {
    upstream = await startUpstream();
    stack = await startStack('portcullis_e2e_request_checks', adminSecret);
    ({ gateway } = stack);

    const apis = [
      tykApi('cors', {
        CORS: {
          enable: true,
          allowed_origins: ['https://*.example.com'],
          allowed_methods: ['GET', 'POST'],
          allowed_headers: ['Authorization', 'Content-Type'],
          exposed_headers: ['X-Trace'],
          allow_credentials: true,
          max_age: 300,
          options_passthrough: false,
          debug: false,
        },
      }),
      tykApi('sized', {
        version_data: versionData({ global_size_limit: 4096, extended_paths: { size_limits: [{ path: '/upload', method: 'POST', size_limit: 64 }] } }),
      }),
      tykApi('validated', {
        version_data: versionData({
          extended_paths: {
            validate_json: [
              {
                path: '/people',
                method: 'POST',
                schema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
              },
              {
                path: '/orders',
                method: 'POST',
                schema: {
                  $schema: 'http://json-schema.org/draft-07/schema#',
                  type: 'object',
                  properties: { qty: { type: 'integer', minimum: 1 } },
                  required: ['qty'],
                },
                error_response_code: 400,
              },
            ],
          },
        }),
      }),
      tykApi('versioned', {
        definition: { location: 'header', key: 'x-api-version' },
        version_data: {
          not_versioned: false,
          default_version: 'v1',
          versions: {
            v1: {
              name: 'v1',
              use_extended_paths: true,
              global_size_limit: 32,
              extended_paths: { validate_json: [{ path: '/people', method: 'POST', schema: { type: 'object', required: ['name'] } }] },
            },
            v2: {
              name: 'v2',
              use_extended_paths: true,
              global_size_limit: 1024,
              extended_paths: {
                validate_json: [{ path: '/people', method: 'POST', schema: { type: 'object', required: ['email'] }, error_response_code: 400 }],
              },
            },
          },
        },
      }),
      tykApi('global', { global_rate_limit: { rate: 3, per: 60 } }),
      tykApi('per-api', {}),
      tykApi('other', {}),
    ];
    const policy = {
      id: 'checks',
      org_id: 'e2e',
      rate: 1000,
      per: 60,
      quota_max: -1,
      access_rights: {
        ...Object.fromEntries(apis.map((api) => [api.api_id, { api_id: api.api_id, versions: api.api_id === 'versioned' ? ['v1', 'v2'] : ['Default'] }])),
        // Tyk's per-API limit: 'per-api' is held to 2 a minute, its own counter; 'other' keeps the policy's 1000.
        'per-api': { api_id: 'per-api', versions: ['Default'], limit: { rate: 2, per: 60, quota_max: -1, quota_renewal_rate: 0 } },
      },
    };
    const created = await call('POST', '/tyk/policies', policy);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    for (const api of apis) {
      const posted = await call('POST', '/tyk/apis', api);
      expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    }
    key = (await call('POST', '/tyk/keys', { apply_policies: ['checks'] })).body.key;
    for (const api of apis) {
      await waitFor(async () => (await fetch(`${gateway.url}/${api.api_id}/x`)).status === 401, { timeoutMs: 10_000, message: `${api.api_id} to be served` });
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await upstream?.close();
  });

  it('CORS: a preflight is answered by the gateway without a credential; an actual request carries the headers, its 401 too', async () => {
    const before = upstream.requests.length;
    const preflight = await fetch(`${gateway.url}/cors/things`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'Authorization, Content-Type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-max-age')).toBe('300');
    expect(upstream.requests.length).toBe(before);

    const actual = await fetch(`${gateway.url}/cors/things`, { headers: { origin: 'https://app.example.com', authorization: key } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(actual.headers.get('access-control-allow-credentials')).toBe('true');
    expect(actual.headers.get('access-control-expose-headers')).toBe('X-Trace');
    expect(actual.headers.get('vary')).toContain('Origin');

    const unauthenticated = await fetch(`${gateway.url}/cors/things`, { headers: { origin: 'https://app.example.com' } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('CORS: a disallowed origin gets no CORS headers, on the preflight or the actual request', async () => {
    const preflight = await fetch(`${gateway.url}/cors/things`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await fetch(`${gateway.url}/cors/things`, { headers: { origin: 'https://example.com.evil.test', authorization: key } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('size limits: 413 "Request is too large" by Content-Length, before authentication; within the limit goes through', async () => {
    const over = await fetch(`${gateway.url}/sized/upload`, { method: 'POST', headers: { authorization: key }, body: 'x'.repeat(65) });
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ error: 'request_too_large', message: 'Request is too large' });
    // No credential needed to be refused: the check runs before authentication, as in Tyk.
    expect((await fetch(`${gateway.url}/sized/upload`, { method: 'POST', body: 'x'.repeat(65) })).status).toBe(413);
    const fits = await fetch(`${gateway.url}/sized/upload`, { method: 'POST', headers: { authorization: key }, body: 'x'.repeat(64) });
    expect(fits.status).toBe(200);
    expect(((await fits.json()) as { body: string }).body).toBe('x'.repeat(64));
  });

  it('size limits: a chunked body is counted as it streams and refused with 413 past the global limit', async () => {
    const send = (chunks: number) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${gateway.url}/sized/stream`, { method: 'POST', headers: { authorization: key, 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        let sent = 0;
        const next = () => {
          if (sent === chunks || req.destroyed) return void req.end();
          sent++;
          req.write(Buffer.alloc(1024, 'a'), () => setImmediate(next));
        };
        next();
      });
    const over = await send(8);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toEqual({ error: 'request_too_large', message: 'Request is too large' });
    const within = await send(4);
    expect(within.status).toBe(200);
    expect((JSON.parse(within.body) as { body: string }).body.length).toBe(4096);
  });

  it('validate_json: a valid body passes; an invalid one gets 422 (or the error_response_code) with the schema error', async () => {
    const post = (path: string, body: string) =>
      fetch(`${gateway.url}/validated${path}`, { method: 'POST', headers: { authorization: key, 'content-type': 'application/json' }, body });
    const valid = await post('/people', '{"name":"Ada"}');
    expect(valid.status).toBe(200);
    expect(((await valid.json()) as { body: string }).body).toBe('{"name":"Ada"}');
    const invalid = await post('/people', '{"name":7}');
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({ error: 'request_invalid', message: 'name: must be string' });
    const order = await post('/orders', '{"qty":0}');
    expect(order.status).toBe(400);
    expect(await order.json()).toEqual({ error: 'request_invalid', message: 'qty: must be >= 1' });
    expect((await post('/orders', '{"qty":2}')).status).toBe(200);
  });

  it('size limits and validate_json are those of the version the request names', async () => {
    const post = (version: string | null, path: string, body: string) =>
      fetch(`${gateway.url}/versioned${path}`, {
        method: 'POST',
        headers: { authorization: key, 'content-type': 'application/json', ...(version === null ? {} : { 'x-api-version': version }) },
        body,
      });
    const big = JSON.stringify({ name: 'Ada', email: 'ada@example.com', note: 'x'.repeat(40) });
    // v1 (also the default) holds bodies to 32 bytes; v2 to 1024.
    expect((await post('v1', '/other', big)).status).toBe(413);
    expect((await post(null, '/other', big)).status).toBe(413);
    expect((await post('v2', '/other', big)).status).toBe(200);
    // v1's schema wants a name (422), v2's an email (its error_response_code, 400).
    expect((await post('v1', '/people', '{"name":"Ada"}')).status).toBe(200);
    const v1 = await post('v1', '/people', '{"email":"ada@example.com"}');
    expect(v1.status).toBe(422);
    expect(await v1.json()).toEqual({ error: 'request_invalid', message: "(root): must have required property 'name'" });
    expect((await post('v2', '/people', '{"email":"ada@example.com"}')).status).toBe(200);
    const v2 = await post('v2', '/people', '{"name":"Ada"}');
    expect(v2.status).toBe(400);
    expect(await v2.json()).toEqual({ error: 'request_invalid', message: "(root): must have required property 'email'" });
  });

  it('validate_json: a schema that does not compile is refused when the definition is posted (400 naming the field), not served as a 500', async () => {
    const broken = tykApi('broken-schema', {
      version_data: versionData({ extended_paths: { validate_json: [{ path: '/x', method: 'POST', schema: { type: 'no-such-type' } }] } }),
    });
    const posted = await call('POST', '/tyk/apis', broken);
    expect(posted.status).toBe(400);
    expect(JSON.stringify(posted.body)).toContain('version_data.versions.Default.extended_paths.validate_json.0.schema');
    expect((await call('GET', '/tyk/apis/broken-schema')).status).toBe(404);
  });

  it('global_rate_limit: all callers together; a second key is refused once the first used the allowance', async () => {
    const second = (await call('POST', '/tyk/keys', { apply_policies: ['checks'] })).body.key;
    const statuses: number[] = [];
    for (const who of [key, second, key]) statuses.push((await fetch(`${gateway.url}/global/x`, { headers: { authorization: who } })).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await fetch(`${gateway.url}/global/x`, { headers: { authorization: second } });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: 'api_rate_limited', message: 'API Rate limit exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it("a policy's per-API limit holds that API to its own limit and leaves the key's other APIs alone", async () => {
    const fresh = (await call('POST', '/tyk/keys', { apply_policies: ['checks'] })).body.key;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${gateway.url}/per-api/x`, { headers: { authorization: fresh } })).status);
    expect(statuses).toEqual([200, 200, 429]);
    for (let i = 0; i < 4; i++) expect((await fetch(`${gateway.url}/other/x`, { headers: { authorization: fresh } })).status).toBe(200);
  });
});
