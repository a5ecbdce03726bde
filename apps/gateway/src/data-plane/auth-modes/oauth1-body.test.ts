import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authHarness, session } from '../../../test/fixtures/auth.js';
import { absentAuthService, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../../test/fixtures/enforcement.js';
import { buildConfiguration, compileApi } from '../compile.js';
import { GatewayMetrics } from '../metrics.js';
import { runChain } from '../chain.js';
import { RequestContext } from '../request-context.js';
import { CONTINUE, type Step } from '../step.js';
import { UpstreamPools } from '../upstream-pools.js';
import { percentEncode } from './oauth1.js';

const consumerSecret = 'cs-secret';
const tokenSecret = 'ts-secret';
const LIMIT = 1024;

/** What the upstream received. */
interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let upstream: Server;
let upstreamUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  received.length = 0;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * A real data plane with one OAuth 1.0a API in front of the capturing upstream, its body limit set to
 * LIMIT. The chain keeps match, authenticate, proxy and record (the policy steps are not what is tested)
 * and a probe that keeps each request's context.
 */
async function gateway() {
  const h = authHarness(
    { use_oauth1: true },
    {
      lookup: ({ kind, id, token }) =>
        kind === 'oauth1' && id === 'consumer-1' && token === 'token-1'
          ? { found: true, key_hash: 'o1', session: session(), secrets: { consumer: consumerSecret, token: tokenSecret } }
          : { found: false },
    },
  );
  const pools = new UpstreamPools();
  const metrics = new GatewayMetrics();
  const { enforcement, records } = memoryEnforcement();
  const api = compileApi(definition({ api_id: 'o1', use_keyless: false, use_oauth1: true, proxy: { listen_path: '/o1', target_url: upstreamUrl } }), {
    pools,
    metrics,
    defaultTimeoutSeconds: 30,
    oauth: absentAuthService(),
    credentials: h.credentials,
    enforcement,
    signedBodyLimit: LIMIT,
  });
  const contexts: RequestContext[] = [];
  const probe: Step = { name: 'probe', always: true, enabledFor: () => true, handle: (ctx) => (contexts.push(ctx), CONTINUE) };
  const kept = new Set(['match', 'authenticate', 'proxy', 'record']);
  (api as { chain: readonly Step[] }).chain = [...api.chain.filter((step) => kept.has(step.name)), probe];
  const config = buildConfiguration(1, [api], metrics);
  const plane = await startDataPlane(config);
  cleanups.push(async () => {
    await plane.close();
    await pools.closeAll();
  });
  const host = new URL(plane.url).host;
  const now = () => Math.floor(h.clock.now / 1000);
  return { url: plane.url, host, now, clock: h.clock, contexts, records, calls: h.calls, config };
}

let nonces = 0;

/**
 * An RFC 5849 client written from the spec, apart from the gateway's code: signs the method, URL,
 * protocol parameters and `signedBody`'s form parameters (decoded as forms are: `+` is a space).
 */
function sign(method: string, url: string, timestamp: number, signedBody: string | null, options: { inBody?: boolean; secret?: string } = {}) {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: 'consumer-1',
    oauth_token: 'token-1',
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(timestamp),
    oauth_nonce: `n-${++nonces}`,
    oauth_version: '1.0',
  };
  const bodyPairs = signedBody === null ? [] : [...new URLSearchParams(signedBody)];
  const params = [...Object.entries(oauth), ...u.searchParams, ...bodyPairs].map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).sort();
  const base = [method, percentEncode(`${u.protocol}//${u.host}${u.pathname}`), percentEncode(params.join('&'))].join('&');
  const signature = createHmac('sha256', `${percentEncode(options.secret ?? consumerSecret)}&${percentEncode(tokenSecret)}`)
    .update(base)
    .digest('base64');
  const all = { ...oauth, oauth_signature: signature };
  if (options.inBody)
    return {
      header: null,
      bodyParams: Object.entries(all)
        .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
        .join('&'),
    };
  return {
    header: `OAuth ${Object.entries(all)
      .map(([k, v]) => `${k}="${percentEncode(v)}"`)
      .join(', ')}`,
    bodyParams: '',
  };
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('OAuth 1.0a: form-encoded body parameters are signed (RFC 5849 §3.4.1.3.1)', () => {
  it('passes a signed form POST and sends the upstream the exact bytes, with their length', async () => {
    const g = await gateway();
    const body = 'b=2&a=x+y&a=%7Eq&empty=&c%40=%F0%9F%94%91';
    const { header } = sign('POST', `http://${g.host}/o1/x?q=1`, g.now(), body);
    const res = await request(`${g.url}/o1/x?q=1`, { method: 'POST', headers: { ...form, authorization: header! }, body });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('ok');
    expect(received).toHaveLength(1);
    expect(received[0]!.body.toString()).toBe(body);
    expect(received[0]!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(g.contexts[0]!.identity).toMatchObject({ mode: 'oauth1', id: 'o1' });
    expect(g.records[0]).toMatchObject({ status: 200, bytes_in: Buffer.byteLength(body) });
  });

  it('refuses the same request with a body changed in transit, or signed without its body parameters', async () => {
    const g = await gateway();
    const tampered = sign('POST', `http://${g.host}/o1/x`, g.now(), 'amount=10');
    const res = await request(`${g.url}/o1/x`, { method: 'POST', headers: { ...form, authorization: tampered.header! }, body: 'amount=1000' });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toEqual({ error: 'auth_required', message: 'Authorization is required' });
    const unsigned = sign('POST', `http://${g.host}/o1/x`, g.now(), null);
    expect((await request(`${g.url}/o1/x`, { method: 'POST', headers: { ...form, authorization: unsigned.header! }, body: 'amount=10' })).statusCode).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('reads a chunked form body too, and the upstream gets it with a Content-Length', async () => {
    const g = await gateway();
    const body = 'z=1&y=two+words';
    const { header } = sign('PUT', `http://${g.host}/o1/x`, g.now(), body);
    const res = await request(`${g.url}/o1/x`, {
      method: 'PUT',
      headers: { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset=UTF-8', authorization: header! },
      body: Readable.from([Buffer.from(body.slice(0, 5)), Buffer.from(body.slice(5))]),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(received[0]!.body.toString()).toBe(body);
    expect(received[0]!.headers['content-length']).toBe(String(body.length));
    expect(received[0]!.headers['transfer-encoding']).toBeUndefined();
  });

  it('answers 413 with a JSON error for a form body over the limit, declared or chunked, without asking the auth service', async () => {
    const g = await gateway();
    const big = `pad=${'x'.repeat(LIMIT)}`;
    const { header } = sign('POST', `http://${g.host}/o1/x`, g.now(), big);
    const declared = await request(`${g.url}/o1/x`, { method: 'POST', headers: { ...form, authorization: header! }, body: big });
    expect(declared.statusCode).toBe(413);
    expect(declared.headers.connection).toBe('close');
    expect(await declared.body.json()).toEqual({ error: 'payload_too_large', message: 'The request body is too large' });
    const chunked = await request(`${g.url}/o1/x`, {
      method: 'POST',
      headers: { ...form, authorization: header! },
      body: Readable.from([Buffer.from(big.slice(0, 600)), Buffer.from(big.slice(600))]),
    });
    expect(chunked.statusCode).toBe(413);
    await chunked.body.dump();
    expect(g.calls.lookup).toEqual([]);
    expect(received).toHaveLength(0);
    // Declared far over the limit: refused from the headers, the client still gets the answer.
    const huge = await request(`${g.url}/o1/x`, { method: 'POST', headers: { ...form, authorization: header! }, body: 'x'.repeat(4 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    await huge.body.dump();
  });

  it('checks the timestamp again once the body is in: a body finished after the window is refused', async () => {
    const g = await gateway();
    const { header } = sign('POST', `http://${g.host}/o1/x`, g.now(), 'a=1');
    const socket = connect(Number(new URL(g.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /o1/x HTTP/1.1\r\nHost: ${g.host}\r\nAuthorization: ${header}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    g.clock.now += 301_000;
    socket.write('=1');
    await vi.waitFor(() => expect(answer).toMatch(/^HTTP\/1\.1 401 /));
    socket.destroy();
    expect(received).toHaveLength(0);
  });

  it('lets go of a request whose client leaves mid-body: nothing goes upstream, 499 is recorded', async () => {
    const g = await gateway();
    const { header } = sign('POST', `http://${g.host}/o1/x`, g.now(), 'a=1');
    const socket = connect(Number(new URL(g.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /o1/x HTTP/1.1\r\nHost: ${g.host}\r\nAuthorization: ${header}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\na=1`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await vi.waitFor(() => expect(g.contexts).toHaveLength(1));
    expect(g.contexts[0]!.status).toBe(499);
    expect(g.contexts[0]!.body).toBeNull();
    expect(received).toHaveLength(0);
  });

  it("leaves a body that never finishes to the server's request timeout (the data plane's is 5 min; here 300 ms)", async () => {
    const g = await gateway();
    const server = createServer({ requestTimeout: 300, connectionsCheckingInterval: 50 }, (req, res) =>
      runChain(new RequestContext(req, res, g.config, performance.now())),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { header } = sign('POST', `http://${g.host}/o1/x`, g.now(), 'a=1');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      `POST /o1/x HTTP/1.1\r\nHost: ${g.host}\r\nAuthorization: ${header}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\na=1`,
    );
    const started = performance.now();
    await closed;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await vi.waitFor(() => expect(g.contexts).toHaveLength(1));
    expect(received).toHaveLength(0);
  });

  it('leaves other bodies out of the signature and streams them: a JSON body is never read by the mode', async () => {
    const g = await gateway();
    const body = JSON.stringify({ a: 1, b: 'x=y&z' });
    const { header } = sign('POST', `http://${g.host}/o1/x`, g.now(), null);
    const res = await request(`${g.url}/o1/x`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: header! }, body });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(received[0]!.body.toString()).toBe(body);
    await vi.waitFor(() => expect(g.contexts).toHaveLength(1));
    expect(g.contexts[0]!.body).toBeNull();
  });

  it('takes the protocol parameters from the form body when there is no header (§3.5.2), and refuses them in both places', async () => {
    const g = await gateway();
    const inBody = sign('POST', `http://${g.host}/o1/x`, g.now(), 'item=1', { inBody: true });
    const body = `item=1&${inBody.bodyParams}`;
    const res = await request(`${g.url}/o1/x`, { method: 'POST', headers: form, body });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(received[0]!.body.toString()).toBe(body);
    // Replayed: the nonce is spent whichever way the parameters came.
    expect((await request(`${g.url}/o1/x`, { method: 'POST', headers: form, body })).statusCode).toBe(401);

    const header = sign('POST', `http://${g.host}/o1/x`, g.now(), 'item=1&oauth_nonce=extra');
    const both = await request(`${g.url}/o1/x`, { method: 'POST', headers: { ...form, authorization: header.header! }, body: 'item=1&oauth_nonce=extra' });
    expect(both.statusCode).toBe(401);
    await both.body.dump();
    const none = await request(`${g.url}/o1/x`, { method: 'POST', headers: form, body: 'item=1' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('OAuth realm="o1"');
    await none.body.dump();
    expect(received).toHaveLength(1);
    // Analytics tell a credential refused after the body was read from none presented in it.
    await vi.waitFor(() => expect(g.records.map((record) => record.auth_result)).toEqual(['ok', 'invalid', 'invalid', 'missing']));
  });
});
