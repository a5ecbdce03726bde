import { createBusTransport } from '@portcullis/bus';
import type { RunningService } from '@portcullis/http';
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { timedBesideTimer } from '../../../tools/test/timing.js';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createGatewayApp, loadGatewayConfig } from '../src/index.js';
import { BIG_RESPONSE_BYTES, bigChunk, startEchoUpstream, type Echo, type EchoUpstream } from './fixtures/echo-upstream.js';
import { startStandInRegistry, type StandInRegistry } from './fixtures/stand-in-registry.js';

const secret = 'gateway-integration-secret';

/**
 * Retries `check` until it stops throwing, within `timeout` ms. What is awaited (a change event over
 * NATS, a snapshot) takes milliseconds; the 5 s default is the margin for a loaded two-core machine:
 * these tests assert that a change arrives without a restart, not how fast.
 */
const eventually = <T>(check: () => Promise<T>, timeout = 5_000): Promise<T> => vi.waitFor(check, { timeout, interval: 20 });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A raw request, so the test can send headers fetch/undici refuse (Connection tokens, TE, ...). */
function rawRequest(url: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes written as they are on one socket (two Host lines, which no client library sends); the whole answer once the gateway closes. */
function socketExchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no close within 5 s; got ${JSON.stringify(answer)}`)));
  });
}

describeWithServices('gateway on real NATS', () => {
  let upstream: EchoUpstream;
  let registry: StandInRegistry;
  let gateway: RunningService;

  const api = (id: string, proxy: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    api_id: id,
    name: id,
    use_keyless: true,
    ...extra,
    proxy: { target_url: upstream.url, ...proxy },
  });

  const get = (path: string, headers: Record<string, string> = {}) => request(`${gateway.url}${path}`, { headers });
  const echoOf = async (path: string, headers: Record<string, string> = {}) => {
    const res = await get(path, headers);
    expect(res.statusCode).toBe(200);
    return (await res.body.json()) as Echo;
  };
  const tyk = (method: string, path: string, body?: unknown, withSecret = true) =>
    request(`${gateway.url}${path}`, {
      method: method as 'GET',
      headers: { ...(withSecret ? { 'x-tyk-authorization': secret } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    registry = await startStandInRegistry(testServices.natsUrl, testServices.subjectPrefix);
    const { state } = registry;
    await state.put(api('orders', { listen_path: '/orders', target_url: `${upstream.url}/v1`, strip_listen_path: true }));
    await state.put(api('orders-special', { listen_path: '/orders/special' }));
    await state.put(api('keep', { listen_path: '/keep', strip_listen_path: false, preserve_host_header: true }));
    await state.put(api('slow', { listen_path: '/slow-api', timeout: 0.5 }));
    await state.put(api('down', { listen_path: '/down', target_url: `http://127.0.0.1:${await closedPort()}` }));
    await state.put(api('inactive', { listen_path: '/inactive' }, { active: false }));
    await state.put(api('locked', { listen_path: '/locked' }, { use_keyless: false }));
    await state.put(api('bound', { listen_path: '/orders', target_url: `${upstream.url}/bound` }, { domain: 'shop.example' }));
    await state.put(api('traced', { listen_path: '/traced', allow_trace: true }));
    state.holdSnapshots();
    const config = loadGatewayConfig({
      GATEWAY_PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_SECRET: secret,
      LOG_LEVEL: 'silent',
      SNAPSHOT_TIMEOUT_MS: '2000',
      ADMIN_MAX_BODY_BYTES: '4096',
    });
    gateway = await createGatewayApp(config, {
      transport: createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: 'gateway-int' }),
    });
  });

  afterAll(async () => {
    registry?.state.releaseSnapshots();
    await gateway?.close();
    await registry?.close().catch(() => undefined);
    await upstream?.close();
  });

  it('is alive at once, and ready only once its first snapshot is loaded', async () => {
    expect((await get('/health')).statusCode).toBe(200);
    const before = await get('/ready');
    expect(before.statusCode).toBe(503);
    expect(await before.body.json()).toEqual({ status: 'not_ready', missing: ['configuration'] });
    await eventually(async () => expect(registry.state.snapshotRequests).toBeGreaterThan(0));
    registry.state.releaseSnapshots();
    await eventually(async () => {
      const ready = await get('/ready');
      expect(ready.statusCode).toBe(200);
      expect(await ready.body.json()).toMatchObject({ status: 'ready', revision: registry.state.revision });
    }, 5_000);
  });

  it('proxies with strip_listen_path, the target path prefixed and the query string intact', async () => {
    const query = '?a=1&a=2&b=%2F%20x&empty=&flag&c=caf%C3%A9+plus';
    const echo = await echoOf(`/orders/42/lines${query}`);
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe(`/v1/42/lines${query}`);
    expect((await echoOf('/orders')).url).toBe('/v1');
  });

  it('keeps the listen path without strip_listen_path, and the longest listen path wins', async () => {
    expect((await echoOf('/keep/a?x=1')).url).toBe('/keep/a?x=1');
    expect((await echoOf('/orders/special/1')).url).toBe('/orders/special/1');
    expect((await get('/ordersx')).statusCode).toBe(404);
  });

  it('routes by domain first', async () => {
    expect((await echoOf('/orders/1', { host: 'shop.example' })).url).toBe('/bound/orders/1');
    expect((await echoOf('/orders/1', { host: 'other.example' })).url).toBe('/v1/1');
  });

  it('sets X-Forwarded-*, sends the upstream Host unless preserve_host_header', async () => {
    const gatewayHost = new URL(gateway.url).host;
    const plain = await echoOf('/orders/1', { 'x-forwarded-for': '203.0.113.9' });
    expect(plain.headers.host).toBe(new URL(upstream.url).host);
    expect(plain.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(plain.headers['x-forwarded-proto']).toBe('http');
    expect(plain.headers['x-forwarded-host']).toBe(gatewayHost);
    const preserved = await echoOf('/keep/1');
    expect(preserved.headers.host).toBe(gatewayHost);
  });

  it('answers 400 JSON to two Host headers before routing (RFC 9112 §3.2), on API and control paths, and closes', async () => {
    for (const [path, second] of [
      ['/orders/1', 'Host: shop.example'],
      ['/orders/1', 'host: other.example'],
      ['/health', 'HOST: x'],
    ]) {
      const answer = await socketExchange(gateway.url, `GET ${path} HTTP/1.1\r\nHost: other.example\r\nAccept: */*\r\n${second}\r\n\r\n`);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head, path).toMatch(/^HTTP\/1\.1 400 /);
      expect(head).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
      expect(head).toMatch(/\r\nconnection: close\r\n/i);
      const message = 'A request must carry exactly one Host header (RFC 9112 §3.2)';
      // The exchange reads bytes as latin1; the body is UTF-8.
      expect(JSON.parse(Buffer.from(body!, 'latin1').toString('utf8'))).toEqual({ error: 'malformed_request', message, details: [{ field: 'Host', message }] });
    }
    // One Host line still routes as before.
    const single = await socketExchange(gateway.url, 'GET /orders/1 HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
    expect(single).toMatch(/^HTTP\/1\.1 200 /);
    expect(single).toContain('"url":"/bound/orders/1"');
  });

  it('answers TRACE 405 JSON with Allow unless the API sets proxy.allow_trace, the upstream never sees it then', async () => {
    const refused = await rawRequest(`${gateway.url}/orders/1`, {}, 'TRACE');
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(JSON.parse(refused.body)).toEqual({ error: 'method_not_allowed', message: 'Method not allowed' });
    const allowed = await rawRequest(`${gateway.url}/traced/1`, {}, 'TRACE');
    expect(allowed.status).toBe(200);
    expect((JSON.parse(allowed.body) as Echo).method).toBe('TRACE');
  });

  it('drops hop-by-hop headers in both directions', async () => {
    const res = await rawRequest(`${gateway.url}/keep/hop`, {
      Connection: 'keep-alive, X-Client-Hop',
      'X-Client-Hop': 'for the gateway only',
      'Keep-Alive': 'timeout=5',
      TE: 'trailers',
      'Proxy-Authorization': 'Basic Zm9vOmJhcg==',
      'X-End-To-End': 'kept',
    });
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body) as Echo;
    const sent = echo.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
    for (const name of ['x-client-hop', 'keep-alive', 'te', 'proxy-authorization']) expect(sent).not.toContain(name);
    expect(echo.headers['x-end-to-end']).toBe('kept');
    expect(res.headers['x-upstream']).toBe('echo');
    expect(res.headers['x-upstream-hop']).toBeUndefined();
    expect(res.headers['proxy-authenticate']).toBeUndefined();
  });

  it('streams a 5 MB request body to the upstream intact', async () => {
    const size = 5 * 1024 * 1024;
    const chunks = Array.from({ length: size / (64 * 1024) }, (_, i) => bigChunk(i * 7));
    const expected = createHash('sha256');
    for (const chunk of chunks) expected.update(chunk);
    const res = await request(`${gateway.url}/keep/upload`, {
      method: 'POST',
      body: Readable.from(chunks),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.statusCode).toBe(200);
    const echo = (await res.body.json()) as Echo;
    expect(echo.method).toBe('POST');
    expect(echo.bodyBytes).toBe(size);
    expect(echo.bodySha256).toBe(expected.digest('hex'));
  });

  it('streams a 5 MB response body back intact', async () => {
    const res = await get('/keep/big');
    expect(res.statusCode).toBe(200);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
    }
    const expected = createHash('sha256');
    for (let i = 0; i * 64 * 1024 < BIG_RESPONSE_BYTES; i++) expected.update(bigChunk(i));
    expect(bytes).toBe(BIG_RESPONSE_BYTES);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  });

  it('answers 502 when the upstream refuses the connection', async () => {
    const res = await get('/down/x');
    expect(res.statusCode).toBe(502);
    expect(await res.body.json()).toEqual({ error: 'upstream_unreachable', message: 'The upstream service could not be reached' });
  });

  it("answers 504 when the upstream sends nothing within the API's proxy.timeout", async () => {
    const { result: res, elapsedMs, timerLatenessMs } = await timedBesideTimer(500, () => get('/slow-api/slow'));
    expect(res.statusCode).toBe(504);
    expect(await res.body.json()).toMatchObject({ error: 'upstream_timeout' });
    // The API's 0.5 s, not the default (30 s): the bound is 500 ms, plus however late a plain 500 ms
    // timer beside it fired (load on this process), plus 2.5 s for everything else.
    expect(elapsedMs).toBeGreaterThanOrEqual(450);
    expect(elapsedMs).toBeLessThan(500 + timerLatenessMs + 2_500);
  });

  it('lets Node answer 431 to oversized request headers, as it does by default', async () => {
    const res = await rawRequest(`${gateway.url}/keep/x`, { 'X-Huge': 'x'.repeat(32 * 1024) }).catch((error: Error) => error);
    expect(res instanceof Error ? res.message : res.status).toBe(431);
  });

  it('answers 404 for no match and for inactive APIs, 401 with a challenge for APIs that need credentials', async () => {
    const none = await get('/nothing-here');
    expect(none.statusCode).toBe(404);
    expect(await none.body.json()).toMatchObject({ error: 'api_not_found' });
    expect((await get('/inactive/x')).statusCode).toBe(404);
    const locked = await get('/locked/x');
    expect(locked.statusCode).toBe(401);
    expect(locked.headers['www-authenticate']).toBe('Bearer realm="locked"');
    expect(await locked.body.json()).toMatchObject({ error: 'auth_required' });
  });

  it('serves a new API within a second of its event, without restart, and forgets a deleted one', async () => {
    expect((await get('/fresh/1')).statusCode).toBe(404);
    await registry.state.put(api('fresh', { listen_path: '/fresh' }));
    await eventually(async () => expect((await echoOf('/fresh/1')).url).toBe('/fresh/1'));
    await registry.state.put(api('fresh', { listen_path: '/fresh', target_url: `${upstream.url}/moved` }));
    await eventually(async () => expect((await echoOf('/fresh/1')).url).toBe('/moved/fresh/1'));
    await registry.state.remove('fresh');
    await eventually(async () => expect((await get('/fresh/1')).statusCode).toBe(404));
  });

  it('fetches a fresh snapshot when it sees a gap in revisions', async () => {
    const requestsBefore = registry.state.snapshotRequests;
    // This write's event is lost; the next event's revision reveals the gap.
    await registry.state.put(api('missed', { listen_path: '/missed' }), { silently: true });
    await registry.state.put(api('after-gap', { listen_path: '/after-gap' }));
    await eventually(async () => {
      expect(registry.state.snapshotRequests).toBeGreaterThan(requestsBefore);
      expect((await echoOf('/missed/1')).url).toBe('/missed/1');
      expect((await echoOf('/after-gap/1')).url).toBe('/after-gap/1');
    }, 5_000);
  });

  it('counts requests by API and status in /metrics', async () => {
    const before = await metric('portcullis_gateway_requests_total{api_id="keep",status="200"}');
    await echoOf('/keep/count');
    await echoOf('/keep/count');
    expect(await metric('portcullis_gateway_requests_total{api_id="keep",status="200"}')).toBe(before + 2);
    expect(await metric('portcullis_gateway_requests_total{api_id="down",status="502"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('portcullis_gateway_requests_total{api_id="",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('portcullis_gateway_request_duration_seconds_count{api_id="keep"}')).toBeGreaterThanOrEqual(2);
  });

  async function metric(series: string): Promise<number> {
    const res = await get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const line = (await res.body.text()).split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  }

  it('closes the Tyk API without x-tyk-authorization', async () => {
    for (const [method, path] of [
      ['GET', '/tyk/apis'],
      ['POST', '/tyk/apis'],
      ['GET', '/tyk/apis/orders'],
      ['DELETE', '/tyk/apis/orders'],
      ['GET', '/tyk/reload'],
    ]) {
      const res = await tyk(method!, path!, undefined, false);
      expect(res.statusCode, `${method} ${path}`).toBe(401);
      expect(await res.body.json()).toMatchObject({ status: 'error', error: 'unauthorized' });
    }
    const unknown = await tyk('GET', '/tyk/keys/abc', undefined, false);
    expect(unknown.statusCode).toBe(401);
    await unknown.body.dump();
    const wrong = await request(`${gateway.url}/tyk/apis`, { headers: { 'x-tyk-authorization': `${secret}x` } });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();
  });

  it('forwards the Tyk API to the registry, with Tyk bodies, and the change goes live', async () => {
    const list = await tyk('GET', '/tyk/apis');
    expect(list.statusCode).toBe(200);
    expect(((await list.body.json()) as { api_id: string }[]).map((a) => a.api_id)).toContain('orders');

    const created = await tyk('POST', '/tyk/apis', {
      api_id: 'via-tyk',
      name: 'via tyk',
      use_keyless: true,
      proxy: { listen_path: '/via-tyk/', target_url: upstream.url, strip_listen_path: true },
    });
    expect(created.statusCode).toBe(200);
    expect(await created.body.json()).toEqual({ key: 'via-tyk', status: 'ok', action: 'added' });
    await eventually(async () => expect((await echoOf('/via-tyk/x')).url).toBe('/x'));

    const one = await tyk('GET', '/tyk/apis/via-tyk');
    expect(await one.body.json()).toMatchObject({ api_id: 'via-tyk', name: 'via tyk' });

    const updated = await tyk('PUT', '/tyk/apis/via-tyk', {
      name: 'via tyk',
      use_keyless: true,
      proxy: { listen_path: '/via-tyk/', target_url: upstream.url, strip_listen_path: false },
    });
    expect(await updated.body.json()).toEqual({ key: 'via-tyk', status: 'ok', action: 'modified' });
    await eventually(async () => expect((await echoOf('/via-tyk/x')).url).toBe('/via-tyk/x'));

    const deleted = await tyk('DELETE', '/tyk/apis/via-tyk');
    expect(await deleted.body.json()).toEqual({ key: 'via-tyk', status: 'ok', action: 'deleted' });
    await eventually(async () => expect((await get('/via-tyk/x')).statusCode).toBe(404));

    const reload = await tyk('GET', '/tyk/reload/group');
    expect(await reload.body.json()).toEqual({ status: 'ok', message: '' });
  });

  it("answers Tyk API errors in Tyk's shape with our code and the right status", async () => {
    const notServed = await tyk('POST', '/tyk/no-such-endpoint', {});
    expect(notServed.statusCode).toBe(404);
    expect(await notServed.body.json()).toMatchObject({ status: 'error', error: 'not_found' });

    const missing = await tyk('GET', '/tyk/apis/no-such-api');
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.json()).toMatchObject({ status: 'error', error: 'not_found' });

    const invalid = await tyk('POST', '/tyk/apis', { name: '', proxy: { listen_path: 'no-slash', target_url: 'ftp://x' } });
    expect(invalid.statusCode).toBe(400);
    const body = (await invalid.body.json()) as { status: string; error: string; details: { field: string }[] };
    expect(body).toMatchObject({ status: 'error', error: 'validation_failed' });
    expect(body.details.map((d) => d.field)).toEqual(expect.arrayContaining(['name', 'proxy.listen_path', 'proxy.target_url']));

    // Tyk reads the body as JSON whatever the Content-Type says (curl -d sends a form type).
    const malformed = await request(`${gateway.url}/tyk/apis`, {
      method: 'POST',
      headers: { 'x-tyk-authorization': secret, 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"name":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(await malformed.body.json()).toMatchObject({ status: 'error', error: 'malformed_json' });

    const tooLarge = await tyk('POST', '/tyk/apis', { name: 'x'.repeat(5000), proxy: { listen_path: '/big', target_url: upstream.url } });
    expect(tooLarge.statusCode).toBe(413);
    expect(await tooLarge.body.json()).toMatchObject({ status: 'error', error: 'payload_too_large' });
  });

  it('keeps serving its configuration when the registry is gone, and answers the Tyk API 503', async () => {
    await registry.close();
    const res = await tyk('GET', '/tyk/apis');
    expect(res.statusCode).toBe(503);
    expect(await res.body.json()).toMatchObject({ status: 'error', error: 'service_unavailable' });
    expect((await echoOf('/orders/1')).url).toBe('/v1/1');
  });
});
