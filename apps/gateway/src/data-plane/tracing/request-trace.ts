import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import { clientAddress, withoutNamed } from '../forwarding.js';
import type { RequestContext } from '../request-context.js';
import type { StepResult } from '../step.js';

/** The API a request matched (its api_id), on the request's span. */
export const ATTR_PORTCULLIS_API_ID = 'portcullis.api_id';

const propagator = new W3CTraceContextPropagator();
const traceHeaders: ReadonlySet<string> = new Set(['traceparent', 'tracestate']);

/** Reads `traceparent` / `tracestate` straight from Node's flat raw headers: no header object is built. */
const rawHeaderGetter: TextMapGetter<readonly string[]> = {
  keys: (raw) => raw.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()),
  get(raw, key) {
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === key.length && raw[i]!.toLowerCase() === key) return raw[i + 1];
    return undefined;
  },
};

const flatHeaderSetter: TextMapSetter<string[]> = {
  set: (headers, key, value) => headers.push(key, value),
};

/**
 * One traced request: its server span (the request as the client sees it, continuing the trace of
 * an incoming `traceparent`), and the span of the step running now. A step that hands its outcome
 * back later (the proxy waiting for the upstream, a credential lookup) keeps its span open until
 * the next step starts, which is when its outcome is known. Made only when tracing is on.
 */
export class RequestTrace {
  readonly server: Span;
  /** The context step spans are children of: the server span's. */
  private readonly parent: Context;
  /** The span of the step running now, or still waiting (see above); null between steps. */
  private open: Span | null;
  /** Whether the sampler kept this trace: an unsampled one gets no step spans, only the propagated context. */
  readonly recording: boolean;

  constructor(
    private readonly tracer: Tracer,
    ctx: RequestContext,
  ) {
    const req = ctx.req;
    const incoming = propagator.extract(ROOT_CONTEXT, req.rawHeaders, rawHeaderGetter);
    this.server = tracer.startSpan(
      req.method ?? 'GET',
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_PATH]: ctx.path,
          [ATTR_URL_SCHEME]: ctx.secure ? 'https' : 'http',
          [ATTR_CLIENT_ADDRESS]: clientAddress(req.socket.remoteAddress),
        },
      },
      incoming,
    );
    this.parent = trace.setSpan(ROOT_CONTEXT, this.server);
    this.recording = this.server.isRecording();
    this.open = null;
  }

  /** A step starts: its span, a child of the request's (the upstream call's is a client span). */
  startStep(name: string, ctx: RequestContext): Span {
    let span: Span;
    if (name === 'proxy') {
      const upstream = ctx.version?.upstream ?? ctx.api!.upstream;
      span = this.tracer.startSpan(
        name,
        { kind: SpanKind.CLIENT, attributes: { [ATTR_HTTP_REQUEST_METHOD]: ctx.shaping?.method ?? ctx.req.method, [ATTR_SERVER_ADDRESS]: upstream.origin } },
        this.parent,
      );
    } else {
      span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, this.parent);
    }
    this.open = span;
    return span;
  }

  /**
   * The running step's span ends with its result: a step that failed the request (a catalogue
   * code) or refused it (a credential, a limit: `ctx.refusal`) ends in error, naming why.
   */
  endStep(span: Span, result: StepResult, ctx: RequestContext): void {
    if (result.kind === 'fail') RequestTrace.failed(span, result.code);
    else if (result.kind === 'respond' && ctx.refusal !== null) RequestTrace.failed(span, ctx.refusal);
    span.end();
    this.open = null;
  }

  private static failed(span: Span, why: string): void {
    span.setAttribute(ATTR_ERROR_TYPE, why);
    span.setStatus({ code: SpanStatusCode.ERROR, message: why });
  }

  /** A step waiting for its outcome had it: its span ends, with the upstream's status when it answered. */
  endWaiting(ctx: RequestContext): void {
    const span = this.open;
    if (span === null) return;
    this.open = null;
    if (ctx.upstreamMs >= 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, ctx.status);
    // The waiting step refused the request (a credential the lookup did not find), or it failed.
    if (ctx.refusal !== null) RequestTrace.failed(span, ctx.refusal);
    else if (ctx.status >= 500) RequestTrace.failed(span, String(ctx.status));
    span.end();
  }

  /**
   * The headers sent upstream carry this trace: the client's `traceparent` / `tracestate` replaced
   * by ones naming the gateway's upstream span (W3C Trace Context: a participating proxy replaces
   * the parent), or the request's span when the trace was not sampled (the flag says so).
   */
  upstreamHeaders(headers: string[]): string[] {
    const propagated = withoutNamed(headers, traceHeaders);
    propagator.inject(trace.setSpan(ROOT_CONTEXT, this.open ?? this.server), propagated, flatHeaderSetter);
    return propagated;
  }

  /** The request is over (answered and recorded): its span ends with the API, route and status. */
  finish(ctx: RequestContext): void {
    this.endWaiting(ctx);
    const server = this.server;
    const api = ctx.api;
    if (api !== null) {
      // The route as its API declares it (listen_path), the same for every request the API gets.
      const route = api.definition.proxy.listen_path;
      server.setAttribute(ATTR_HTTP_ROUTE, route);
      server.setAttribute(ATTR_PORTCULLIS_API_ID, api.id);
      server.updateName(`${ctx.req.method ?? 'GET'} ${route}`);
    }
    server.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, ctx.status);
    // HTTP semantic conventions: a server span is an error for 5xx answers only.
    if (ctx.status >= 500) RequestTrace.failed(server, String(ctx.status));
    server.end();
  }

  /** A step threw (a bug; the server answers 500): its span and the request's end as errors. */
  crashed(ctx: RequestContext, error: unknown): void {
    const span = this.open;
    if (span !== null) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      this.open = null;
    }
    ctx.status = 500;
    this.finish(ctx);
  }
}
