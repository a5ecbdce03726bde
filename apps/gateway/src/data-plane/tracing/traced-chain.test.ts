import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { absentAuthService, definition, fakeExchange } from '../../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../../test/fixtures/enforcement.js';
import { resumeChain, runChain } from '../chain.js';
import { compileApi } from '../compile.js';
import type { CompiledConfiguration } from '../compiled.js';
import { GatewayMetrics } from '../metrics.js';
import { pipeline } from '../pipeline.js';
import { RequestContext } from '../request-context.js';
import { CONTINUE, fail, PENDING, respond, type Step, type StepResult } from '../step.js';
import { UpstreamPools } from '../upstream-pools.js';
import { RequestTrace } from './request-trace.js';
import { ChainTracing } from './traced-chain.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracing = new ChainTracing(provider.getTracer('test'));

afterEach(() => exporter.reset());

function step(name: string, result: StepResult, always = false): Step {
  return { name, always, enabledFor: () => true, handle: () => result };
}

/** A traced request over `steps`, as the server starts one with tracing on. */
function tracedRequest(steps: Step[], headers: Record<string, string> = {}) {
  const { req, res, written } = fakeExchange('/x', headers);
  const ctx = new RequestContext(req, res, { entryChain: steps } as unknown as CompiledConfiguration, performance.now());
  ctx.trace = new RequestTrace(provider.getTracer('test'), ctx);
  ctx.chain = tracing.chain(steps);
  return { ctx, written };
}

const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (name: string) => finished().find((span) => span.name === name);

describe('tracing decided at compile time', () => {
  const deps = {
    pools: new UpstreamPools(),
    metrics: new GatewayMetrics(),
    defaultTimeoutSeconds: 30,
    oauth: absentAuthService(),
    enforcement: memoryEnforcement().enforcement,
  };
  const api = definition({ api_id: 'a', proxy: { listen_path: '/a/', target_url: 'http://127.0.0.1:9', strip_listen_path: true } });

  it('off: the chain is the pipeline’s own steps, nothing wrapped', () => {
    for (const compiled of [compileApi(api, deps), compileApi(api, { ...deps, tracing: null })]) {
      expect(compiled.chain.length).toBeGreaterThan(0);
      for (const each of compiled.chain) expect(pipeline).toContain(each);
    }
  });

  it('on: every step of the chain is its wrapper, in the same places, one wrapper per step', () => {
    const plain = compileApi(api, deps).chain;
    const traced = compileApi(api, { ...deps, tracing }).chain;
    expect(traced.map((each) => each.name)).toEqual(plain.map((each) => each.name));
    expect(traced.map((each) => each.always)).toEqual(plain.map((each) => each.always));
    for (const each of traced) expect(pipeline).not.toContain(each);
    expect(compileApi(api, { ...deps, tracing }).chain).toEqual(traced);
  });
});

describe('a traced request', () => {
  it('gets a server span, a child span per step, and one for a step that waits until its outcome comes', () => {
    const { ctx } = tracedRequest([step('a', CONTINUE), step('wait', PENDING), step('b', CONTINUE), step('record', CONTINUE, true)]);
    runChain(ctx);
    expect(finished().map((span) => span.name)).toEqual(['a']);
    resumeChain(ctx, CONTINUE);
    const spans = finished();
    expect(spans.map((span) => span.name)).toEqual(['a', 'wait', 'b', 'GET']);
    const server = named('GET')!;
    expect(server.kind).toBe(SpanKind.SERVER);
    for (const child of spans.filter((span) => span !== server)) {
      expect(child.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(child.spanContext().traceId).toBe(server.spanContext().traceId);
    }
  });

  it('a step that fails or refuses ends in error naming why; the request span carries the status', () => {
    const { ctx } = tracedRequest([step('broke', fail('upstream_unreachable')), step('record', CONTINUE, true)]);
    runChain(ctx);
    expect(named('broke')!.status.code).toBe(SpanStatusCode.ERROR);
    expect(named('broke')!.attributes['error.type']).toBe('upstream_unreachable');
    expect(named('GET')!.attributes['http.response.status_code']).toBe(502);
    expect(named('GET')!.status.code).toBe(SpanStatusCode.ERROR);

    exporter.reset();
    const refuse: Step = {
      name: 'limit',
      always: false,
      enabledFor: () => true,
      handle: (c) => ((c.refusal = 'rate_limited'), respond(429, [], Buffer.alloc(0))),
    };
    const refused = tracedRequest([refuse, step('record', CONTINUE, true)]).ctx;
    runChain(refused);
    expect(named('limit')!.attributes['error.type']).toBe('rate_limited');
    expect(named('GET')!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('continues an incoming traceparent, and the upstream gets one naming the span open now', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const { ctx } = tracedRequest([step('record', CONTINUE, true)], { traceparent: `00-${traceId}-b7ad6b7169203331-01`, tracestate: 'k=v' });
    const open = ctx.trace!.startStep('custom', ctx);
    const headers = ctx.trace!.upstreamHeaders(['Traceparent', '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01', 'accept', '*/*']);
    expect(headers).toEqual(['accept', '*/*', 'traceparent', `00-${traceId}-${open.spanContext().spanId}-01`, 'tracestate', 'k=v']);
  });

  it('a sampled-out incoming trace makes no spans but still propagates its trace id, unsampled', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const sampledOut = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const { req, res } = fakeExchange('/x', { traceparent: `00-${traceId}-b7ad6b7169203331-00` });
    const ctx = new RequestContext(req, res, {} as CompiledConfiguration, performance.now());
    ctx.trace = new RequestTrace(sampledOut.getTracer('test'), ctx);
    ctx.chain = tracing.chain([step('a', CONTINUE), step('record', CONTINUE, true)]);
    runChain(ctx);
    expect(finished()).toEqual([]);
    expect(ctx.trace.upstreamHeaders([])[1]).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
  });

  it('a step that throws ends its span and the request span in error', () => {
    const broken: Step = {
      name: 'bug',
      always: false,
      enabledFor: () => true,
      handle: () => {
        throw new Error('a bug');
      },
    };
    const { ctx } = tracedRequest([broken, step('record', CONTINUE, true)]);
    expect(() => runChain(ctx)).toThrow('a bug');
    expect(named('bug')!.status.code).toBe(SpanStatusCode.ERROR);
    expect(named('GET')!.attributes['http.response.status_code']).toBe(500);
  });
});
