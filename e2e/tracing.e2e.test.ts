import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { freePort, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { gatewayReady, startStack, type Stack } from './support/stack.js';

/** One span as OTLP/HTTP JSON carries it (ids in hex), attributes flattened. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: number;
  service: string;
  attributes: Record<string, string | number | boolean>;
}

/** OTLP span kinds (SPAN_KIND_SERVER, SPAN_KIND_CLIENT, SPAN_KIND_INTERNAL). */
const SERVER = 2;
const CLIENT = 3;
const INTERNAL = 1;

/** A real OTLP/HTTP receiver: what the gateway's exporter posts to /v1/traces, decoded from JSON. */
class Collector {
  readonly spans: ReceivedSpan[] = [];
  posts = 0;
  private server: Server | null = null;

  constructor(readonly port: number) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.posts++;
        if (req.method !== 'POST' || req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/json') {
          res.writeHead(400).end();
          return;
        }
        this.receive(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private receive(request: any): void {
    for (const resourceSpans of request.resourceSpans ?? []) {
      const service = attributesOf(resourceSpans.resource?.attributes)['service.name'] as string;
      for (const scopeSpans of resourceSpans.scopeSpans ?? [])
        for (const span of scopeSpans.spans ?? [])
          this.spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            status: span.status?.code ?? 0,
            service,
            attributes: attributesOf(span.attributes),
          });
    }
  }

  inTrace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }
}

function attributesOf(list: { key: string; value: Record<string, unknown> }[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const raw = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
    out[key] = typeof raw === 'string' && value.intValue !== undefined ? Number(raw) : (raw as string | number | boolean);
  }
  return out;
}

/** `00-<trace id>-<parent id>-<flags>` (W3C Trace Context), split. */
function parseTraceparent(header: unknown): { traceId: string; parentId: string; flags: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(header));
  if (match === null) throw new Error(`not a traceparent: ${String(header)}`);
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! };
}

const spansTotal = async (gateway: StartedService, outcome: string) => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`portcullis_trace_spans_total{outcome="${outcome}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
};

/**
 * The OpenTelemetry export end to end: registry, auth and a traced gateway as processes on the
 * machine's NATS and PostgreSQL, a second gateway with tracing off, a real upstream that records
 * what it received, and a real OTLP/HTTP receiver the traced gateway exports to (then stops, to
 * show a collector that is down costs requests nothing).
 */
describeWithServices('OpenTelemetry traces: spans to an OTLP collector, traceparent to the upstream, nothing when off', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let stack: Stack;
  let plain: StartedService;
  let upstream: Upstream;
  let collector: Collector;
  let key: string;

  async function call(gateway: StartedService, method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  /** A request through `gateway`; the upstream's record of it (null when it never got there). */
  async function send(gateway: StartedService, path: string, headers: Record<string, string> = {}) {
    const before = upstream.requests.length;
    const response = await fetch(`${gateway.url}${path}`, { headers });
    await response.arrayBuffer();
    return { status: response.status, seen: upstream.requests.length > before ? upstream.requests[upstream.requests.length - 1]! : null };
  }

  beforeAll(async () => {
    collector = new Collector(await freePort());
    await collector.start();
    upstream = await startUpstream();
    stack = await startStack('portcullis_e2e_tracing', adminSecret, {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_SERVICE_NAME: 'gateway-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    });
    plain = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: stack.auth.url } });
    await gatewayReady(plain);
    const created = await call(stack.gateway, 'POST', '/tyk/apis', {
      api_id: 'traced',
      name: 'traced',
      active: true,
      use_keyless: false,
      use_standard_auth: true,
      global_rate_limit: { rate: 1000, per: 1 },
      proxy: { listen_path: '/traced/', target_url: upstream.url, strip_listen_path: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // WebSockets on, in front of the plain HTTP upstream: it answers the handshake with a 200 echo
    // of what it received, which the gateway relays as an ordinary response.
    const websockets = await call(stack.gateway, 'POST', '/tyk/apis', {
      api_id: 'traced-ws',
      name: 'traced-ws',
      active: true,
      use_keyless: true,
      enable_websockets: true,
      proxy: { listen_path: '/traced-ws/', target_url: upstream.url, strip_listen_path: true },
    });
    expect(websockets.status, JSON.stringify(websockets.body)).toBe(200);
    key = (await call(stack.gateway, 'POST', '/tyk/keys', { access_rights: { traced: { api_id: 'traced' } } })).body.key;
    expect(typeof key).toBe('string');
    for (const gateway of [stack.gateway, plain])
      await waitFor(async () => (await send(gateway, '/traced/ready', { Authorization: key })).status === 200, {
        timeoutMs: 15_000,
        message: `${gateway.url}/traced/ to be served`,
      });
  }, 180_000);

  afterAll(async () => {
    await plain?.stop();
    await stack?.stop();
    await upstream?.close();
    await collector?.stop();
  });

  it('a request makes a server span with the route, API and status, a child span per step, and the upstream continues the trace', async () => {
    const { status, seen } = await send(stack.gateway, '/traced/orders/7?x=1', { Authorization: key });
    expect(status).toBe(200);
    const propagated = parseTraceparent(seen!.headers.traceparent);
    expect(propagated.flags).toBe('01');
    const spans = await waitFor(
      () => {
        const found = collector.inTrace(propagated.traceId);
        return found.some((span) => span.kind === SERVER) ? found : null;
      },
      { timeoutMs: 10_000, message: 'the request spans at the collector' },
    );
    const server = spans.find((span) => span.kind === SERVER)!;
    expect(server).toMatchObject({
      name: 'GET /traced/',
      parentSpanId: '',
      service: 'gateway-under-test',
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/traced/',
        'url.path': '/traced/orders/7',
        'url.scheme': 'http',
        'http.response.status_code': 200,
        'portcullis.api_id': 'traced',
      },
    });
    const children = spans.filter((span) => span !== server);
    // Every step span is the request span's child, in the one trace.
    for (const child of children) expect(child.parentSpanId).toBe(server.spanId);
    expect(children.map((span) => span.name).sort()).toEqual(['api-rate-limit', 'authenticate', 'authorise', 'match', 'proxy', 'quota', 'rate-limit'].sort());
    const proxy = children.find((span) => span.name === 'proxy')!;
    expect(proxy).toMatchObject({
      kind: CLIENT,
      attributes: { 'http.request.method': 'GET', 'server.address': upstream.url, 'http.response.status_code': 200 },
    });
    for (const step of children.filter((span) => span !== proxy)) expect(step.kind).toBe(INTERNAL);
    // The upstream's parent is the gateway's upstream span.
    expect(propagated.parentId).toBe(proxy.spanId);
  });

  it('a WebSocket handshake carries the trace upstream too (its traceparent names the gateway span)', async () => {
    await waitFor(async () => (await send(stack.gateway, '/traced-ws/ready')).status === 200, { timeoutMs: 15_000, message: '/traced-ws/ to be served' });
    const before = upstream.requests.length;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${stack.gateway.url}/traced-ws/socket`,
        {
          agent: false,
          headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-version': '13' },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode!));
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(200);
    const seen = upstream.requests.slice(before).find((entry) => entry.path === '/socket');
    expect(seen?.headers.upgrade).toBe('websocket');
    const propagated = parseTraceparent(seen!.headers.traceparent);
    expect(propagated.flags).toBe('01');
    const server = await waitFor(() => collector.inTrace(propagated.traceId).find((span) => span.kind === SERVER), {
      timeoutMs: 10_000,
      message: 'the handshake span at the collector',
    });
    expect(server.attributes).toMatchObject({ 'portcullis.api_id': 'traced-ws' });
  });

  it("an incoming traceparent is continued (its trace id, its span as the request span's parent) and replaced upstream", async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const { status, seen } = await send(stack.gateway, '/traced/continued', {
      Authorization: key,
      traceparent: `00-${traceId}-${callerSpan}-01`,
      tracestate: 'vendor=abc',
    });
    expect(status).toBe(200);
    const propagated = parseTraceparent(seen!.headers.traceparent);
    expect(propagated.traceId).toBe(traceId);
    expect(propagated.parentId).not.toBe(callerSpan);
    expect(seen!.headers.tracestate).toBe('vendor=abc');
    const server = await waitFor(() => collector.inTrace(traceId).find((span) => span.kind === SERVER), { timeoutMs: 10_000, message: 'the continued span' });
    expect(server.parentSpanId).toBe(callerSpan);
    const proxy = await waitFor(() => collector.inTrace(traceId).find((span) => span.name === 'proxy'), { timeoutMs: 10_000, message: 'the proxy span' });
    expect(propagated.parentId).toBe(proxy.spanId);
  });

  it('an incoming traceparent not sampled (parent-based sampling): nothing exported, the flag and trace id still go upstream', async () => {
    const traceId = randomBytes(16).toString('hex');
    const { status, seen } = await send(stack.gateway, '/traced/unsampled', {
      Authorization: key,
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00`,
    });
    expect(status).toBe(200);
    const propagated = parseTraceparent(seen!.headers.traceparent);
    expect(propagated).toMatchObject({ traceId, flags: '00' });
    // A sampled request after it reaches the collector: by then the unsampled one would have too.
    const after = parseTraceparent((await send(stack.gateway, '/traced/after', { Authorization: key })).seen!.headers.traceparent);
    await waitFor(() => collector.inTrace(after.traceId).length > 0, { timeoutMs: 10_000, message: 'the later request spans' });
    expect(collector.inTrace(traceId)).toEqual([]);
  });

  it('a refused request ends its failing step in error and the request span with its status', async () => {
    const traceId = randomBytes(16).toString('hex');
    const { status, seen } = await send(stack.gateway, '/traced/refused', {
      Authorization: `${key}-wrong`,
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    expect(status).toBe(401);
    expect(seen).toBeNull();
    const server = await waitFor(() => collector.inTrace(traceId).find((span) => span.kind === SERVER), { timeoutMs: 10_000, message: 'the refused span' });
    expect(server.attributes['http.response.status_code']).toBe(401);
    const authenticate = collector.inTrace(traceId).find((span) => span.name === 'authenticate')!;
    expect(authenticate).toMatchObject({ status: 2 /* STATUS_CODE_ERROR */, attributes: { 'error.type': 'invalid' } });
    expect(collector.inTrace(traceId).some((span) => span.name === 'proxy')).toBe(false);
  });

  it('tracing off (the default): nothing is exported, no traceparent is added, and a client one passes untouched', async () => {
    const posts = collector.posts;
    const bare = await send(plain, '/traced/plain', { Authorization: key });
    expect(bare.status).toBe(200);
    expect(bare.seen!.headers.traceparent).toBeUndefined();
    const clients = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const passed = await send(plain, '/traced/plain', { Authorization: key, traceparent: clients });
    expect(passed.seen!.headers.traceparent).toBe(clients);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collector.inTrace(parseTraceparent(clients).traceId)).toEqual([]);
    // The traced gateway's own batches may still come; none names the plain gateway's requests.
    expect(collector.spans.filter((span) => span.attributes['url.path'] === '/traced/plain')).toEqual([]);
    expect(posts).toBeLessThanOrEqual(collector.posts);
    expect(await (await fetch(`${plain.url}/metrics`)).text()).not.toContain('portcullis_trace_spans_total');
  });

  describe('a collector that is down', () => {
    it('costs requests nothing: they are answered as before, and the lost spans are counted', async () => {
      expect(await spansTotal(stack.gateway, 'exported')).toBeGreaterThan(0);
      await collector.stop();
      const started = performance.now();
      for (let i = 0; i < 40; i++) {
        const { status, seen } = await send(stack.gateway, `/traced/down/${i}`, { Authorization: key });
        expect(status).toBe(200);
        expect(parseTraceparent(seen!.headers.traceparent).flags).toBe('01');
      }
      // 40 requests on a local upstream: far below one export timeout (1 s) each.
      expect(performance.now() - started).toBeLessThan(5_000);
      await waitFor(async () => (await spansTotal(stack.gateway, 'failed')) > 0, { timeoutMs: 10_000, message: 'failed exports to be counted' });
      expect(stack.gateway.logs()).toContain('trace export to');
    });
  });
});
