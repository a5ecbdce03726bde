import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@portcullis/errors';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { tykDocsJqExtendedPaths } from '../../../../../tools/test/tyk-samples.js';
import { closeTransformPool } from '../body-transforms/transform-pool.js';

/**
 * Body transforms through the real data plane to a real upstream: Tyk's documented jq example
 * both ways, JSONata both ways, and every protection (non-JSON bodies, oversized bodies, a runaway
 * program, a failing program, a response path without a transform still streaming).
 */
let upstream: Server;
let upstreamUrl: string;
const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
let plane: { url: string; close(): Promise<void> };

// Tyk's documentation example (jq transforms), unchanged.
const tykDocsExtendedPaths = tykDocsJqExtendedPaths();

function api(id: string, extendedPaths: Record<string, unknown>, version: Record<string, unknown> = {}, contextVars = true) {
  return definition({
    api_id: id,
    enable_context_vars: contextVars,
    version_data: { not_versioned: true, versions: { Default: { name: 'Default', use_extended_paths: true, extended_paths: extendedPaths, ...version } } },
    proxy: { listen_path: `/${id}/`, target_url: upstreamUrl, strip_listen_path: true },
  } as Parameters<typeof definition>[0]);
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ headers: req.headers, body });
      if (req.url === '/feed')
        return res.writeHead(200, { 'content-type': 'application/xml' }).end('<feed updated="2026-12-07"><item>a</item><item>b</item></feed>');
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/text') return res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      if (req.url === '/big') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: 'x'.repeat(2 * 1024 * 1024) }));
      if (req.url === '/stream') {
        // A first chunk, then the end only once the client has seen it: streaming, not buffering.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first;');
        streamed = () => res.end('last');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' });
      res.end(JSON.stringify({ origin: '10.0.0.1', json: body === '' ? null : JSON.parse(body), url: req.url }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const { config } = compiledConfiguration([
    api('jq', {
      ...tykDocsExtendedPaths,
      // As Tyk's jq.json sample: header values from the jq filter's tyk_context (TransformHeaders runs after it).
      transform_headers: [
        {
          path: '/post',
          method: 'POST',
          add_headers: { 'X-Device': '$tyk_context.deviceid', 'X-M2M-Origin': '$tyk_context.m2m_origin', 'X-added-rewrite-headers': 'from transform_headers' },
        },
      ],
    }),
    api('nata', {
      portcullis_transform_jsonata: [
        { path: '/orders', method: 'POST', expression: '{"id": orderId, "total": $sum(lines.(qty * price)), "by": $headers."x-user", "method": $method}' },
      ],
      portcullis_transform_jsonata_response: [{ path: '/orders', method: 'POST', expression: '{"received": json, "status": $status}' }],
    }),
    api('guard', {
      transform_jq: [
        { path: '/spin', method: 'POST', filter: '{body: (def f: f; f)}' },
        { path: '/boom', method: 'POST', filter: 'error("boom")' },
        { path: '/headers', method: 'POST', filter: '{body: .body, rewrite_headers: {"bad name": "x"}}' },
        { path: '/echo', method: 'POST', filter: '{body: .body}' },
      ],
      transform_jq_response: [
        { path: '/text', filter: '{body: .body}' },
        { path: '/empty', method: 'GET', filter: '{body: {made: "up"}}' },
        // Its output is small: only the limit on what is read refuses it.
        { path: '/big', method: 'GET', filter: '{body: (.body.items | length)}' },
      ],
    }),
    api('xml', {
      portcullis_transform_jsonata: [
        { path: '/orders', method: 'POST', input_type: 'xml', expression: '{"id": order."@id", "skus": order.line."@sku", "qty": $sum(order.line.qty)}' },
      ],
      portcullis_transform_jsonata_response: [
        { path: '/feed', method: 'GET', input_type: 'xml', expression: '{"updated": feed."@updated", "items": feed.item}' },
      ],
    }),
    api('plain', { transform_jq: [{ path: '/context', method: 'POST', filter: '{body: {context: ._tyk_context}}' }] }, {}, false),
    api('limited', {
      transform_jq: [{ path: '/echo', method: 'POST', filter: '{body: .body}' }],
      size_limits: [{ path: '/echo', method: 'POST', size_limit: 100 }],
    }),
  ]);
  plane = await startDataPlane(config);
});

let streamed: (() => void) | null = null;

afterAll(async () => {
  await plane.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  await closeTransformPool();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${plane.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('transform_jq / transform_jq_response (Tyk documentation example)', () => {
  it('transforms the request body with Tyk context, rewrites headers, and transforms the response', async () => {
    const response = await post('/jq/post', JSON.stringify({ DEVICEID: 'd-1', a: 1 }), { 'user-agent': 'e2e-agent' });
    expect(response.status).toBe(200);
    const upstreamSaw = seen.at(-1)!;
    const sent = JSON.parse(upstreamSaw.body);
    expect(sent).toEqual({ DEVICEID: 'd-1', a: 1, 'TRANSFORMED-REQUEST-BY-JQ': true, path: '/jq/post', user_agent: 'e2e-agent' });
    // Tyk's TransformHeaders runs after the jq transform: its header replaces rewrite_headers' namesake.
    expect(upstreamSaw.headers['x-added-rewrite-headers']).toBe('from transform_headers');
    expect(upstreamSaw.headers['x-device']).toBe('d-1');
    expect(upstreamSaw.headers['x-m2m-origin']).toBe('CSE3219/C9886');
    expect(Number(upstreamSaw.headers['content-length'])).toBe(Buffer.byteLength(upstreamSaw.body));
    expect(response.headers.get('jq-response-header')).toBe('10.0.0.1');
    // The upstream's validator no longer describes the body.
    expect(response.headers.get('etag')).toBeNull();
    const text = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const answer = JSON.parse(text);
    expect(answer['TRANSFORMED-RESPONSE-BY-JQ']).toBe(true);
    expect(answer.json).toEqual(sent);
    expect(answer).toHaveProperty('HEADERS-OF-RESPONSE', null);
  });

  it('without enable_context_vars, _tyk_context is null, as Tyk has no context data then', async () => {
    const response = await post('/plain/context', '{}', { 'user-agent': 'e2e-agent' });
    expect(response.status).toBe(200);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ context: null });
  });

  it('a chunked request body is transformed and sent with its new Content-Length', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"DEVICEID":'));
        controller.enqueue(new TextEncoder().encode('"d-2"}'));
        controller.close();
      },
    });
    const response = await fetch(`${plane.url}/jq/post`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    const upstreamSaw = seen.at(-1)!;
    expect(upstreamSaw.headers['transfer-encoding']).toBeUndefined();
    expect(Number(upstreamSaw.headers['content-length'])).toBe(Buffer.byteLength(upstreamSaw.body));
    expect(JSON.parse(upstreamSaw.body).DEVICEID).toBe('d-2');
  });
});

describe('portcullis_transform_jsonata (Portcullis extension)', () => {
  it('transforms both bodies with $headers, $method and $status bound', async () => {
    const response = await post(
      '/nata/orders',
      JSON.stringify({
        orderId: 7,
        lines: [
          { qty: 2, price: 5 },
          { qty: 1, price: 3 },
        ],
      }),
      { 'x-user': 'ana' },
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ id: 7, total: 13, by: 'ana', method: 'POST' });
    expect(await response.json()).toEqual({ received: { id: 7, total: 13, by: 'ana', method: 'POST' }, status: 200 });
  });
});

describe('XML input (input_type: "xml", a Portcullis option of JSONata entries)', () => {
  it('reads an XML request body as JSON (attributes as @name) and sends JSON', async () => {
    const response = await fetch(`${plane.url}/xml/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<order id="7"><line sku="a"><qty>2</qty></line><line sku="b"><qty>1</qty></line></order>',
    });
    expect(response.status).toBe(200);
    const received = seen.at(-1)!;
    expect(JSON.parse(received.body)).toEqual({ id: '7', skus: ['a', 'b'], qty: 3 });
    expect(received.headers['content-type']).toBe('application/json');
  });

  it('turns an XML answer into JSON', async () => {
    const response = await fetch(`${plane.url}/xml/feed`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ updated: '2026-12-07', items: ['a', 'b'] });
  });

  it('refuses a body that is not XML (400 malformed_xml), and bounds entity expansion', async () => {
    const before = seen.length;
    const broken = await fetch(`${plane.url}/xml/orders`, { method: 'POST', body: '<order><line></order>' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as ErrorBody).error).toBe('malformed_xml');
    // An entity expanding past 100 000 characters: refused, not expanded.
    const wide = `<?xml version="1.0"?><!DOCTYPE order [<!ENTITY a "${'x'.repeat(5000)}">]><order>${'&a;'.repeat(100)}</order>`;
    const bomb = await fetch(`${plane.url}/xml/orders`, { method: 'POST', body: wide });
    expect(bomb.status).toBe(400);
    expect(((await bomb.json()) as ErrorBody).error).toBe('malformed_xml');
    expect(seen.length).toBe(before);
    // Entities made of entities (billion laughs) are not expanded at all.
    const entities = Array.from({ length: 9 }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`).join('');
    const laughs = `<?xml version="1.0"?><!DOCTYPE order [<!ENTITY e0 "lol">${entities}]><order id="1">&e9;</order>`;
    const nested = await fetch(`${plane.url}/xml/orders`, { method: 'POST', body: laughs });
    expect(nested.status).toBe(200);
    expect(seen.at(-1)!.body.length).toBeLessThan(100);
  });
});

describe('protections', () => {
  it('a request body that is not JSON is refused (400 malformed_json) and not sent', async () => {
    const before = seen.length;
    const response = await post('/guard/echo', 'not json {');
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error).toBe('malformed_json');
    expect(seen.length).toBe(before);
  });

  it('a body over the transform limit is refused with 413, and so is one over the path size limit', async () => {
    const big = JSON.stringify({ x: 'y'.repeat(1024 * 1024) });
    const response = await post('/guard/echo', big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error).toBe('request_too_large');
    const limited = await post('/limited/echo', JSON.stringify({ x: 'y'.repeat(200) }));
    expect(limited.status).toBe(413);
  });

  it('a runaway program is stopped in time (500 transform_timeout) and the next request is served', async () => {
    const started = performance.now();
    const response = await post('/guard/spin', '{}');
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).error).toBe('transform_timeout');
    expect(performance.now() - started).toBeLessThan(3_000);
    const next = await post('/guard/echo', '{"still":"served"}');
    expect(next.status).toBe(200);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ still: 'served' });
  });

  it("a program that fails answers 500 transform_failed with jq's message, no stack", async () => {
    const response = await post('/guard/boom', '{}');
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toBe('transform_failed');
    expect(body.message).toContain('boom');
    expect(JSON.stringify(body)).not.toContain('    at ');
  });

  it('rewrite_headers that cannot be sent fail the transform', async () => {
    const response = await post('/guard/headers', '{}');
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).message).toContain('"bad name" is not a header name');
  });

  it('an upstream body that is not JSON, or too large, is 502 with its own code', async () => {
    const text = await fetch(`${plane.url}/guard/text`);
    expect(text.status).toBe(502);
    expect(((await text.json()) as ErrorBody).error).toBe('upstream_body_not_json');
    const big = await fetch(`${plane.url}/guard/big`);
    expect(big.status).toBe(502);
    expect(((await big.json()) as ErrorBody).error).toBe('upstream_body_too_large');
  });

  it('an answer without a body (204, HEAD) is passed on untransformed', async () => {
    const response = await fetch(`${plane.url}/guard/empty`);
    expect(response.status).toBe(204);
    expect(response.headers.get('content-length')).toBeNull();
    expect(await response.text()).toBe('');
    const head = await fetch(`${plane.url}/guard/text`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    // The upstream's own head (it sends no length for HEAD), not one made for a transformed body.
    expect(head.headers.get('content-length')).toBeNull();
    expect(head.headers.get('content-type')).toBe('text/plain');
  });

  it('a response on a path without a transform still streams', async () => {
    const response = await fetch(`${plane.url}/guard/stream`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first;');
    streamed!();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('last');
  });
});
