import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ErrorBody } from '@portcullis/errors';
import { describeWithServices } from '../tools/test/with-services.js';
import { readTykApp, tykDocsJqExtendedPaths } from '../tools/test/tyk-samples.js';
import { startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Body transforms end to end (issue 13): a Tyk classic definition with the jq transforms of Tyk's
 * documentation posted unchanged to /tyk/apis, Portcullis's JSONata transforms, programs that do
 * not compile refused when saved (400 naming the field, nothing stored), a runaway program bounded,
 * a body that is not JSON, an oversized body, through the real registry, gateway and upstream.
 */
describeWithServices('body transforms: jq (Tyk) and JSONata (Portcullis)', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let stack: Stack | undefined;
  let gateway: StartedService;
  let upstream: Upstream;

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  const send = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  // Tyk's jq transforms documentation: its example's extended_paths, unchanged.
  const tykDocsExtendedPaths = tykDocsJqExtendedPaths();

  const tykApi = (api_id: string, target: string, extended_paths: Record<string, unknown>) => ({
    api_id,
    name: api_id,
    org_id: 'e2e',
    use_keyless: true,
    auth: { auth_header_name: '' },
    enable_context_vars: true,
    proxy: { listen_path: `/${api_id}/`, target_url: target, strip_listen_path: true },
    version_data: { not_versioned: true, versions: { Default: { name: 'Default', expires: '3000-01-02 15:04', use_extended_paths: true, extended_paths } } },
    response_processors: [{ name: 'response_body_transform_jq', options: {} }],
  });

  beforeAll(async () => {
    upstream = await startUpstream();
    stack = await startStack('portcullis_e2e_bodies', adminSecret);
    ({ gateway } = stack);
    const apis = [
      tykApi('jqdocs', upstream.url, tykDocsExtendedPaths),
      tykApi('nata', upstream.url, {
        portcullis_transform_jsonata: [{ path: '/orders', method: 'POST', expression: '{"id": orderId, "total": $sum(lines.(qty * price))}' }],
        portcullis_transform_jsonata_response: [{ path: '/orders', method: 'POST', expression: '{"upstream_saw": $eval(body), "path": path}' }],
      }),
      tykApi('guard', upstream.url, {
        transform_jq: [
          // A loop in constant memory: only the time bound can stop it (one that grows memory meets the heap bound first on a fast machine).
          { path: '/spin', method: 'POST', filter: '{body: last(range(infinite))}' },
          { path: '/echo', method: 'POST', filter: '{body: .body}' },
        ],
      }),
    ];
    for (const api of apis) {
      const posted = await call('POST', '/tyk/apis', api);
      expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    }
    for (const api of apis)
      await waitFor(async () => (await send(`/${api.api_id}/echo`, '{}')).status !== 404, { timeoutMs: 10_000, message: `${api.api_id} to be served` });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await upstream?.close();
  });

  it("Tyk's documented jq transforms: the request body and headers, then the response body and headers", async () => {
    const response = await send('/jqdocs/post', JSON.stringify({ DEVICEID: 'd-1', a: 1 }), { 'user-agent': 'e2e-agent' });
    expect(response.status).toBe(200);
    const received = upstream.requests.at(-1)!;
    const sent = JSON.parse(received.body);
    expect(sent).toEqual({ DEVICEID: 'd-1', a: 1, 'TRANSFORMED-REQUEST-BY-JQ': true, path: '/jqdocs/post', user_agent: 'e2e-agent' });
    expect(received.headers['x-added-rewrite-headers']).toBe('test');
    expect(Number(received.headers['content-length'])).toBe(Buffer.byteLength(received.body));
    const text = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    // `.body.origin` is null here (the upstream sends none): the header is set empty.
    expect(response.headers.get('jq-response-header')).toBe('');
    const answer = JSON.parse(text);
    expect(answer).toMatchObject({ 'TRANSFORMED-RESPONSE-BY-JQ': true, 'HEADERS-OF-RESPONSE': null, method: 'POST', path: '/post' });
  });

  it("Tyk's jq.json sample loads unchanged; its jq filter's tyk_context fills its header transforms", async () => {
    const sample = readTykApp('jq.json') as { api_id: string; proxy: Record<string, unknown> };
    const posted = await call('POST', '/tyk/apis', sample);
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    // Its target is httpbin.org: pointed at the test's upstream, nothing else changed.
    const pointed = await call('PUT', `/tyk/apis/${sample.api_id}`, { ...sample, proxy: { ...sample.proxy, target_url: upstream.url } });
    expect(pointed.status, JSON.stringify(pointed.body)).toBe(200);
    let received: (typeof upstream.requests)[number] | undefined;
    await waitFor(
      async () => {
        const response = await send('/jq/post', JSON.stringify({ DEVICEID: 'dev-42' }));
        received = upstream.requests.at(-1);
        return response.status === 200 && received?.headers['x-m2m-origin'] !== undefined;
      },
      { timeoutMs: 10_000, message: 'jq.json to be served from the upstream' },
    );
    expect(received!.headers['x-added-by-transform_headers']).toBe('dev-42');
    expect(received!.headers['x-m2m-origin']).toBe('CSE3219/C9886');
    expect(received!.headers['x-added-rewrite-headers']).toBe('test');
    expect(JSON.parse(received!.body)).toMatchObject({ DEVICEID: 'dev-42', 'TRANSFORMED-REQUEST-BY-JQ': true, path: '/jq/post' });
  });

  it('JSONata transforms both ways (Portcullis extension)', async () => {
    const response = await send(
      '/nata/orders',
      JSON.stringify({
        orderId: 7,
        lines: [
          { qty: 2, price: 5 },
          { qty: 1, price: 3 },
        ],
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ upstream_saw: { id: 7, total: 13 }, path: '/orders' });
  });

  it('a program that does not compile is refused when saved, naming the field; nothing is stored', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [
        { transform_jq: [{ path: '/a', method: 'POST', filter: '{body: .body | nosuch}' }] },
        'version_data.versions.Default.extended_paths.transform_jq.0.filter',
      ],
      [
        { transform_jq_response: [{ path: '/a', method: 'POST', filter: '{body: (.body' }] },
        'version_data.versions.Default.extended_paths.transform_jq_response.0.filter',
      ],
      [
        { portcullis_transform_jsonata: [{ path: '/a', method: 'POST', expression: '{"id": }' }] },
        'version_data.versions.Default.extended_paths.portcullis_transform_jsonata.0.expression',
      ],
      [
        { transform: [{ path: '/a', method: 'POST', template_data: { input_type: 'xml', template_mode: 'blob', template_source: 'e30=' } }] },
        'version_data.versions.Default.extended_paths.transform',
      ],
    ];
    for (const [paths, field] of bad) {
      const response = await call('POST', '/tyk/apis', tykApi('bad', upstream.url, paths));
      expect(response.status, field).toBe(400);
      expect(response.body.error, field).toBe('validation_failed');
      expect(JSON.stringify(response.body), field).toContain(field);
    }
    expect((await call('GET', '/tyk/apis/bad')).status).toBe(404);
  });

  it('a runaway program is stopped (500 transform_timeout), and the gateway goes on serving', async () => {
    const before = upstream.requests.length;
    const started = performance.now();
    const response = await send('/guard/spin', '{}');
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).error).toBe('transform_timeout');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(upstream.requests.length).toBe(before);
    const next = await send('/guard/echo', '{"still":"served"}');
    expect(next.status).toBe(200);
    expect(JSON.parse(upstream.requests.at(-1)!.body)).toEqual({ still: 'served' });
  });

  it('a body that is not JSON is 400 malformed_json; one over the limit is 413; neither reaches the upstream', async () => {
    const before = upstream.requests.length;
    const notJson = await send('/guard/echo', '<xml/>');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as ErrorBody).error).toBe('malformed_json');
    const big = await send('/guard/echo', JSON.stringify({ x: 'y'.repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error).toBe('request_too_large');
    expect(upstream.requests.length).toBe(before);
  });
});
