import { createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import OAuth from 'oauth-1.0a';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type EchoReply, type StartedService, type Upstream } from './support/processes.js';

const LIMIT = 4096;
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const unauthorised = { error: 'auth_required', message: 'Authorization is required' };

/**
 * OAuth 1.0a requests with form-encoded bodies (RFC 5849 §3.4.1.3.1) through the real services: the
 * registry and the auth service as processes on the machine's NATS and PostgreSQL, a gateway with
 * OAUTH1_MAX_BODY_BYTES set, consumer and token credentials from the auth service, and every request
 * signed by the `oauth-1.0a` client library, not by code of ours.
 */
describeWithServices('OAuth 1.0a: form body parameters are signed, and the upstream gets the exact body', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  let client: OAuth;
  let token: { key: string; secret: string };

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  /**
   * The library's Authorization header for a request whose form parameters are `data` (decoded). It is
   * given a copy: the library merges the query parameters into the object it is given.
   */
  function signed(method: string, path: string, data: Record<string, string> = {}): string {
    const authorization = client.authorize({ url: `${gateway.url}${path}`, method, data: { ...data } }, token);
    return client.toHeader(authorization).Authorization;
  }

  async function adminPost(path: string, body: unknown, secret = adminSecret) {
    const response = await fetch(`${registry.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function send(method: string, path: string, headers: Record<string, string>, body: string | Readable) {
    const response = await request(`${gateway.url}${path}`, { method: method as 'POST', headers, body });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
  }

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_oauth1_body');
    upstream = await startUpstream();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url, OAUTH1_MAX_BODY_BYTES: String(LIMIT) } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'the gateway to be ready' });

    const policy = { id: 'oauth1-body', name: 'oauth1 body', access_rights: { 'oauth1-body': { api_id: 'oauth1-body' } } };
    expect((await call('POST', '/tyk/policies', policy)).status).toBe(200);
    const api = {
      api_id: 'oauth1-body',
      name: 'oauth1 body',
      use_keyless: false,
      use_oauth1: true,
      proxy: { listen_path: '/o1/', target_url: upstream.url, strip_listen_path: true },
    };
    const created = await call('POST', '/tyk/apis', api);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    await waitFor(async () => (await fetch(`${gateway.url}/o1/x`)).status === 401, { timeoutMs: 10_000, message: 'the OAuth 1.0a API to be served' });

    // Issued through the registry's admin API, as an operator does.
    const consumer = await adminPost('/admin/oauth1/consumers', { name: 'e2e form consumer' });
    expect(consumer.status, JSON.stringify(consumer.body)).toBe(201);
    const issued = await adminPost(`/admin/oauth1/consumers/${consumer.body.consumer_key}/tokens`, { session: { apply_policies: ['oauth1-body'] } });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    client = new OAuth({
      consumer: { key: consumer.body.consumer_key, secret: consumer.body.consumer_secret },
      signature_method: 'HMAC-SHA256',
      hash_function: (base, key) => createHmac('sha256', key).update(base).digest('base64'),
    });
    token = { key: issued.body.token, secret: issued.body.token_secret };
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await upstream?.close();
    await database?.drop();
  });

  it('a signed form POST passes and the upstream receives its exact bytes; the same request with a changed body is refused without spending the nonce', async () => {
    const data = { amount: '10', memo: 'rent & more', to: 'bob@example.com' };
    const header = signed('POST', '/o1/pay?v=2', data);
    // URLSearchParams writes spaces as `+` and `@` as %40: the signature is over the decoded values.
    const body = new URLSearchParams(data).toString();
    expect(body).toContain('+');

    const tampered = await send('POST', '/o1/pay?v=2', { ...form, authorization: header }, body.replace('amount=10', 'amount=1000'));
    expect(tampered).toMatchObject({ status: 401, body: unauthorised });
    expect(tampered.headers['www-authenticate']).toBe('OAuth realm="oauth1-body"');

    const before = upstream.requests.length;
    const ok = await send('POST', '/o1/pay?v=2', { ...form, authorization: header }, body);
    expect(ok.status).toBe(200);
    const seen = ok.body as EchoReply;
    expect(seen).toMatchObject({ method: 'POST', path: '/pay', query: { v: '2' }, body });
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(upstream.requests.length).toBe(before + 1);

    // Replayed as it was: the nonce is spent now.
    expect((await send('POST', '/o1/pay?v=2', { ...form, authorization: header }, body)).status).toBe(401);
  });

  it('a chunked form body is read and sent on with a Content-Length', async () => {
    const data = { name: 'Zoë', list: 'a,b' };
    const body = new URLSearchParams(data).toString();
    const chunks = [Buffer.from(body.slice(0, 4)), Buffer.from(body.slice(4))];
    const ok = await send(
      'PUT',
      '/o1/profile',
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: signed('PUT', '/o1/profile', data) },
      Readable.from(chunks),
    );
    expect(ok.status).toBe(200);
    expect((ok.body as EchoReply).body).toBe(body);
    expect((ok.body as EchoReply).headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect((ok.body as EchoReply).headers['transfer-encoding']).toBeUndefined();
  });

  it('a form body over OAUTH1_MAX_BODY_BYTES gets 413 with a JSON error and never reaches the upstream', async () => {
    const data = { pad: 'x'.repeat(LIMIT) };
    const before = upstream.requests.length;
    const refused = await send('POST', '/o1/big', { ...form, authorization: signed('POST', '/o1/big', data) }, new URLSearchParams(data).toString());
    expect(refused).toMatchObject({ status: 413, body: { error: 'payload_too_large', message: 'The request body is too large' } });
    expect(upstream.requests.length).toBe(before);
  });

  it('a JSON body is no part of the signature and streams through, whatever its size', async () => {
    const body = JSON.stringify({ pad: 'y'.repeat(LIMIT * 4), q: 'a=1&b=2' });
    const ok = await send('POST', '/o1/json', { 'content-type': 'application/json', authorization: signed('POST', '/o1/json') }, body);
    expect(ok.status).toBe(200);
    expect((ok.body as EchoReply).body).toBe(body);
    // Signing its text as if it were form parameters does not pass.
    const asForm = signed('POST', '/o1/json', { q: 'a=1&b=2' });
    expect((await send('POST', '/o1/json', { 'content-type': 'application/json', authorization: asForm }, 'q=a%3D1%26b%3D2')).status).toBe(401);
  });

  it('the protocol parameters may come in the form body instead of the header (RFC 5849 §3.5.2)', async () => {
    const data = { item: 'book 1' };
    const oauth = client.authorize({ url: `${gateway.url}/o1/order`, method: 'POST', data: { ...data } }, token);
    const protocol = Object.entries(oauth).filter(([name]) => name.startsWith('oauth_'));
    const body = new URLSearchParams([...Object.entries(data), ...protocol] as [string, string][]).toString();
    const ok = await send('POST', '/o1/order', form, body);
    expect(ok.status).toBe(200);
    expect((ok.body as EchoReply).body).toBe(body);
    expect((await send('POST', '/o1/order', form, 'item=book+1')).status).toBe(401);
  });

  it('the admin API issues OAuth 1.0a credentials only with the admin secret, and names what is wrong', async () => {
    expect((await adminPost('/admin/oauth1/consumers', {}, 'wrong-secret')).status).toBe(401);
    const consumer = await adminPost('/admin/oauth1/consumers', {});
    expect(consumer.body).toMatchObject({ consumer_key: expect.any(String), consumer_secret: expect.any(String) });
    expect(await adminPost('/admin/oauth1/consumers/no-such-consumer/tokens', { session: {} })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const bad = await adminPost(`/admin/oauth1/consumers/${consumer.body.consumer_key}/tokens`, { session: { rate: 'fast' } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed', details: [{ field: 'rate' }] } });
    expect((await adminPost(`/admin/oauth1/consumers/${consumer.body.consumer_key}/tokens`, [])).status).toBe(400);
  });

  it('a request replayed to another gateway of the fleet is refused: the nonce was spent for all of them', async () => {
    const second = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } });
    try {
      await waitFor(async () => (await fetch(`${second.url}/o1/x`)).status === 401, { timeoutMs: 15_000, message: 'the second gateway to serve the API' });
      // Both gateways behind one name, as behind a load balancer: the signature names the first's host.
      const host = new URL(gateway.url).host;
      const toSecond = (headers: Record<string, string>) => request(`${second.url}/o1/report`, { method: 'GET', headers: { ...headers, host } });

      const header = signed('GET', '/o1/report');
      expect((await send('GET', '/o1/report', { authorization: header }, '')).status).toBe(200);
      const replayed = await toSecond({ authorization: header });
      expect(replayed.statusCode).toBe(401);
      await replayed.body.dump();
      // Not the host trick failing: a fresh request signed the same way passes at the second gateway.
      const fresh = await toSecond({ authorization: signed('GET', '/o1/report') });
      expect(fresh.statusCode).toBe(200);
      await fresh.body.dump();
    } finally {
      await second.stop();
    }
  });
});
