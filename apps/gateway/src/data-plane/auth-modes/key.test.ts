import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { authHarness, policy, session, unauthorisedBody } from '../../../test/fixtures/auth.js';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const gold = policy({ id: 'gold', name: 'Gold', rate: 100, per: 60, access_rights: { api: { api_id: 'api' } } });

function keyApi(extra: Record<string, unknown> = {}) {
  return authHarness(extra, {
    policies: [gold],
    lookup: ({ kind, id }) =>
      kind === 'key' && id === 'good-key' ? { found: true, key_hash: hash(id), session: session({ apply_policies: ['gold'], expires: 0 }) } : { found: false },
  });
}

describe('auth tokens (API keys), the default mode', () => {
  it('accepts a known key with or without Bearer and sets the identity from its session and policies', async () => {
    const h = keyApi();
    for (const value of ['good-key', 'Bearer good-key', 'bearer good-key']) {
      const response = await h.send('/api/x', { Authorization: value });
      expect(response.status).toBe(200);
      expect(response.identity).toMatchObject({ mode: 'key', id: hash('good-key'), oauthClientId: null, expiresAt: 0 });
      expect(response.identity!.rights).toMatchObject({ active: true, rate: 100, per: 60, policyIds: ['gold'] });
      expect(response.identity!.rights.accessRights.has('api')).toBe(true);
    }
    // One lookup; the rest were cache hits, sharing one identity object.
    expect(h.calls.lookup).toEqual([{ kind: 'key', id: 'good-key' }]);
  });

  it('answers missing and wrong keys with the same 401 body; only the challenge says a token was refused', async () => {
    const h = keyApi();
    const missing = await h.send('/api/x');
    const wrong = await h.send('/api/x', { Authorization: 'Bearer nope' });
    for (const response of [missing, wrong]) {
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual(unauthorisedBody);
      expect(response.identity).toBeNull();
    }
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
  });

  it('coalesces concurrent lookups of one key and remembers a wrong key briefly', async () => {
    const h = keyApi();
    const [a, b, c] = await Promise.all([
      h.send('/api/1', { Authorization: 'good-key' }),
      h.send('/api/2', { Authorization: 'good-key' }),
      h.send('/api/3', { Authorization: 'good-key' }),
    ]);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    await h.send('/api/x', { Authorization: 'bad' });
    await h.send('/api/x', { Authorization: 'bad' });
    expect(h.calls.lookup.map((l) => l.id)).toEqual(['good-key', 'bad']);
    h.clock.now += 5_001;
    await h.send('/api/x', { Authorization: 'bad' });
    expect(h.calls.lookup.map((l) => l.id)).toEqual(['good-key', 'bad', 'bad']);
  });

  it('looks the key up again after auth.key.changed names its hash, and after the cache TTL', async () => {
    const h = keyApi();
    await h.send('/api/x', { Authorization: 'good-key' });
    h.credentials.onKeyChanged(hash('other'));
    await h.send('/api/x', { Authorization: 'good-key' });
    expect(h.calls.lookup).toHaveLength(1);
    h.credentials.onKeyChanged(hash('good-key'));
    await h.send('/api/x', { Authorization: 'good-key' });
    expect(h.calls.lookup).toHaveLength(2);
    h.clock.now += 60_001;
    await h.send('/api/x', { Authorization: 'good-key' });
    expect(h.calls.lookup).toHaveLength(3);
  });

  it('reflects a policy change at once, without a new lookup', async () => {
    const h = keyApi();
    expect((await h.send('/api/x', { Authorization: 'good-key' })).identity!.rights.rate).toBe(100);
    h.setPolicies([{ ...gold, rate: 5 }]);
    expect((await h.send('/api/x', { Authorization: 'good-key' })).identity!.rights.rate).toBe(5);
    h.setPolicies([]);
    // A policy that is gone refuses the key (Tyk: no valid policies): inactive rights, for authorise to 403.
    expect((await h.send('/api/x', { Authorization: 'good-key' })).identity!.rights.active).toBe(false);
    expect(h.calls.lookup).toHaveLength(1);
  });

  it('answers 503 when the auth service cannot be asked, and does not remember that', async () => {
    let up = false;
    const h = authHarness({}, { lookup: () => (up ? { found: true, key_hash: hash('k'), session: session() } : Promise.reject(new Error('down'))) });
    expect((await h.send('/api/x', { Authorization: 'k' })).status).toBe(503);
    up = true;
    expect((await h.send('/api/x', { Authorization: 'k' })).status).toBe(200);
  });

  it('reads the key from a configured header, query parameter or cookie (Tyk auth config)', async () => {
    const h = keyApi({ auth: { auth_header_name: 'X-Api-Key', use_param: true, param_name: 'api_key', use_cookie: true, cookie_name: 'k' } });
    expect((await h.send('/api/x', { 'x-api-key': 'good-key' })).status).toBe(200);
    expect((await h.send('/api/x?api_key=good-key')).status).toBe(200);
    expect((await h.send('/api/x', { Cookie: 'a=1; k=good-key' })).status).toBe(200);
    expect((await h.send('/api/x', { Authorization: 'good-key' })).status).toBe(401);
    const perMode = keyApi({ auth: { auth_header_name: 'X-Ignored' }, auth_configs: { authToken: { auth_header_name: 'X-Token' } } });
    expect((await perMode.send('/api/x', { 'X-Token': 'good-key' })).status).toBe(200);
  });
});

describe('sessions from the bus', () => {
  it('validates a looked-up session once (defaults filled); a malformed one counts as not found', async () => {
    const h = authHarness(
      {},
      {
        lookup: ({ id }) =>
          id === 'raw'
            ? { found: true, key_hash: hash('raw'), session: { access_rights: { api: { api_id: 'api' } } } as never }
            : { found: true, key_hash: hash(id), session: { rate: 'lots' } as never },
      },
    );
    const raw = await h.send('/api/x', { Authorization: 'raw' });
    expect(raw.status).toBe(200);
    expect(raw.identity!.rights.accessRights.get('api')).toEqual({ allowedUrls: [], versions: [], limit: null });
    expect((await h.send('/api/x', { Authorization: 'bad' })).status).toBe(401);
  });
});

describe('auth results for analytics', () => {
  it('tells a missing credential from a refused one (ctx.refusal), and leaves an accepted one unmarked', async () => {
    const h = keyApi();
    expect((await h.send('/api/x')).refusal).toBe('missing');
    expect((await h.send('/api/x', { Authorization: 'nope' })).refusal).toBe('invalid');
    expect((await h.send('/api/x', { Authorization: 'nope' })).refusal).toBe('invalid');
    expect((await h.send('/api/x', { Authorization: 'good-key' })).refusal).toBeNull();
  });
});

describe('a client that leaves during a lookup', () => {
  it('is not proxied: the chain records 499 once the lookup settles', async () => {
    const { RequestContext, CLIENT_CLOSED_REQUEST } = await import('../request-context.js');
    const { runChain } = await import('../chain.js');
    const { buildConfiguration } = await import('../compile.js');
    const { GatewayMetrics } = await import('../metrics.js');
    const { fakeExchange } = await import('../../../test/fixtures/data-plane.js');
    const { authenticate } = await import('../steps/authenticate.js');
    let answer: (value: unknown) => void = () => undefined;
    const h = authHarness({}, { lookup: () => new Promise((resolve) => (answer = resolve)) as never });
    let proxied = false;
    const { req, res } = fakeExchange('/api/x', { Authorization: 'k' });
    const ctx = new RequestContext(req, res, buildConfiguration(1, [], new GatewayMetrics()), 0);
    ctx.api = { authentication: h.authentication } as never;
    ctx.chain = [authenticate, { name: 'upstream', always: false, enabledFor: () => true, handle: () => ((proxied = true), { kind: 'continue' }) }];
    runChain(ctx);
    (res as { destroyed: boolean }).destroyed = true;
    answer({ found: true, key_hash: hash('k'), session: session() });
    // The chain has finished with the request once its status is set; it must not have gone upstream.
    await vi.waitFor(() => expect(ctx.status).toBe(CLIENT_CLOSED_REQUEST));
    expect(proxied).toBe(false);
  });
});
