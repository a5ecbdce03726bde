import type { ServerResponse } from 'node:http';
import type { ApiDefinition } from '@portcullis/domain';
import type { ErrorCode } from '@portcullis/errors';
import type { Dispatcher } from 'undici';
import { resumeChain } from '../chain.js';
import type { CompiledUpstream } from '../compiled.js';
import { clientAddress, clientResponseHeaders, compilePathRewrite, requestHasBody, upstreamPath, upstreamRequestHeaders, withoutNamed } from '../forwarding.js';
import { BodyTooLargeError, limitedBody } from '../body-limit.js';
import { withoutCorsHeaders } from './cors.js';
import { tooLarge } from './size-limit.js';
import { shapedRequestHeaders, shapedResponseHeaders } from '../shaping/apply.js';
import { CLIENT_CLOSED_REQUEST, type RequestContext } from '../request-context.js';
import { CONTINUE, fail, PENDING, type Step, type StepResult } from '../step.js';
import { poolKey, type UpstreamPools } from '../upstream-pools.js';
import { compileUpstreamTls } from '../upstream-tls.js';
import type { UpstreamClientCertificates } from '../upstream-certificates.js';
import type { UpstreamPins } from '../upstream-pins.js';
import type { TargetBalancer, UpstreamTarget } from '../upstreams/balancer.js';
import { compileBalancing } from '../upstreams/compile-balancer.js';
import { proxyUpgrade } from '../websocket-tunnel.js';
import { ResponseBody } from '../body-transforms/response-body.js';

/**
 * Sends the request to the API's upstream and streams the answer back, both bodies flowing through
 * without being buffered (backpressure in both directions; a request body an auth mode had to read
 * whole, see RequestContext.body, is sent as those bytes). It answers 'pending' and resumes the
 * chain when the upstream exchange is over: CONTINUE once the response has been relayed, or a
 * failure when the upstream could not be reached (502) or sent no response head in time (504).
 */
export const proxy: Step = {
  name: 'proxy',
  always: false,
  enabledFor: () => true,
  handle(ctx: RequestContext): StepResult {
    // A version with its own override_target goes there (Tyk's per-version target).
    const upstream = ctx.version?.upstream ?? ctx.api!.upstream;
    if (ctx.upgradeHead !== null) return proxyUpgrade(ctx, upstream);
    const req = ctx.req;
    let headers = upstreamRequestHeaders(req.rawHeaders, clientAddress(req.socket.remoteAddress), ctx.secure ? 'https' : 'http', upstream.preserveHost);
    if (ctx.dropHeaders !== null) headers = withoutNamed(headers, ctx.dropHeaders);
    // Tracing on (decided at start; null otherwise): the upstream continues the gateway's trace.
    if (ctx.trace !== null) headers = ctx.trace.upstreamHeaders(headers);
    const shaping = ctx.shaping;
    let timeoutMs = upstream.timeoutMs;
    let ownHeadTimer = upstream.ownHeadTimer;
    if (shaping !== null) {
      headers = shapedRequestHeaders(headers, shaping);
      // hard_timeouts: this path's own timeout, timed as the API's would be (see ownHeadTimer).
      if (shaping.timeoutMs > 0) {
        timeoutMs = shaping.timeoutMs;
        ownHeadTimer = timeoutMs < OWN_TIMER_BELOW_MS;
      }
    }
    const options: Dispatcher.DispatchOptions = {
      path: '',
      method: (shaping?.method ?? req.method) as Dispatcher.HttpMethod,
      headers,
      // A body an auth mode had to read whole (see RequestContext.body) goes as those bytes.
      body: ctx.body ?? (requestHasBody(req.rawHeaders) ? (ctx.bodyLimit === -1 ? req : limitedBody(req, ctx.bodyLimit)) : null),
      headersTimeout: timeoutMs,
      // Also the longest silence allowed between body chunks: a stalled upstream is cut off.
      bodyTimeout: timeoutMs,
    };
    const headTimeoutMs = ownHeadTimer ? timeoutMs : 0;
    if (upstream.balancing !== null) return sendBalanced(ctx, upstream.balancing.balancer, options, headTimeoutMs);
    options.path = shaping?.upstreamPath ?? upstreamPath(upstream.rewrite, ctx.forwardPath, ctx.forwardQuery);
    upstream.pool.dispatch(options, new ProxyExchange(ctx, headTimeoutMs, null));
    return PENDING;
  },
};

/** Load balancing: the next healthy target, or 502 upstream_unavailable when every target is out. */
function sendBalanced(ctx: RequestContext, balancer: TargetBalancer, options: Dispatcher.DispatchOptions, headTimeoutMs: number): StepResult {
  const target = balancer.next();
  if (target === null) {
    ctx.breaker?.record(false, ctx.breakerTrial);
    return fail('upstream_unavailable');
  }
  const exchange = new ProxyExchange(ctx, headTimeoutMs, { balancer, target, options, retried: !replayable(options) });
  exchange.sendTo(target);
  return PENDING;
}

/** RFC 9110 §9.2.2: only idempotent requests may be sent twice. */
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** A retry resends the request: only an idempotent one whose body (if any) is still in hand as bytes. */
function replayable(options: Dispatcher.DispatchOptions): boolean {
  return idempotent.has(options.method) && (options.body === null || options.body === undefined || Buffer.isBuffer(options.body));
}

/** Errors that mean the request never reached the target: safe to send to another one. */
const notSent = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** A load-balanced exchange: the target it went to, and what a retry needs. */
interface Balanced {
  readonly balancer: TargetBalancer;
  target: UpstreamTarget;
  readonly options: Dispatcher.DispatchOptions;
  /** Retried already, or not replayable: the next failure is answered. */
  retried: boolean;
}

/** Below this, a timeout is kept by a timer of the exchange's own rather than undici's coarse one. */
const OWN_TIMER_BELOW_MS = 10_000;

export function compileUpstream(
  api: ApiDefinition,
  pools: UpstreamPools,
  defaultTimeoutSeconds: number,
  listenPath: string,
  clientCertificates: UpstreamClientCertificates | null = null,
  pins: UpstreamPins | null = null,
): CompiledUpstream {
  const target = new URL(api.proxy.target_url);
  const balancing = compileBalancing(api, pools, listenPath, clientCertificates, pins);
  const timeoutMs = Math.round((api.proxy.timeout ?? defaultTimeoutSeconds) * 1000);
  const tls = compileUpstreamTls(target, api.proxy.transport, clientCertificates?.forTarget(target) ?? null, pins?.forTarget(target) ?? null);
  return {
    origin: target.origin,
    pool: pools.get(target.origin, tls),
    poolKey: poolKey(target.origin, tls),
    rewrite: compilePathRewrite(target, listenPath, api.proxy.strip_listen_path),
    preserveHost: api.proxy.preserve_host_header,
    allowTrace: api.proxy.allow_trace === true,
    timeoutMs,
    ownHeadTimer: timeoutMs < OWN_TIMER_BELOW_MS,
    balancing,
    tls: tls === null ? null : tls.options,
  };
}

const timeouts = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function failureCode(error: Error): ErrorCode {
  return timeouts.has((error as { code?: string }).code ?? '') ? 'upstream_timeout' : 'upstream_unreachable';
}

class HeadTimeoutError extends Error {
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
}
const headTimeout = new HeadTimeoutError('no response head in time');
const responseTooLarge = new Error('response body over the transform limit');

function onHeadTimeout(exchange: ProxyExchange): void {
  exchange.timedOut();
}

const kExchange = Symbol('portcullis.proxyExchange');
type ExchangeResponse = ServerResponse & { [kExchange]?: ProxyExchange };

/** The client went away: stop the upstream exchange rather than keep an unread response flowing. */
function onClientClose(this: ExchangeResponse): void {
  const exchange = this[kExchange];
  if (exchange !== undefined && !this.writableFinished) exchange.clientClosed();
}

function onClientDrain(this: ExchangeResponse): void {
  this[kExchange]?.resume?.();
}

/**
 * One upstream exchange, as undici's dispatch handler. It uses the handler methods undici's core
 * calls directly (its own request API does the same): raw header buffers arrive as they were read,
 * with no header object built and no controller wrapper allocated. Listeners on the client response
 * are shared functions that find their exchange through a symbol, so no closure is made per request.
 */
class ProxyExchange implements Dispatcher.DispatchHandler {
  private abortUpstream: ((error?: Error) => void) | null;
  resume: (() => void) | null;
  private clientGone: boolean;
  private settled: boolean;
  private headTimer: NodeJS.Timeout | null;
  private timeoutReached: boolean;
  /** A response body transform's buffer (ctx.responseTransform); null: the response streams. */
  private buffered: ResponseBody | null;
  /** Upstream latency runs from here to the response head. */
  private readonly dispatchedAt: number;

  /** `headTimeoutMs` > 0: time the response head here (see CompiledUpstream.ownHeadTimer). */
  constructor(
    private readonly ctx: RequestContext,
    headTimeoutMs: number,
    /** Null unless the API balances over a target_list. */
    private readonly balanced: Balanced | null,
  ) {
    this.abortUpstream = null;
    this.resume = null;
    this.clientGone = false;
    this.settled = false;
    this.timeoutReached = false;
    this.buffered = null;
    this.dispatchedAt = performance.now();
    this.headTimer = headTimeoutMs > 0 ? setTimeout(onHeadTimeout, headTimeoutMs, this) : null;
    const res = ctx.res as ExchangeResponse;
    res[kExchange] = this;
    res.once('close', onClientClose);
  }

  /** Load balancing: (re)sends the request to `target`. */
  sendTo(target: UpstreamTarget): void {
    const balanced = this.balanced!;
    balanced.target = target;
    // Fresh options per send: undici keeps the ones it was given with the request it made of them.
    target.pool.dispatch(
      { ...balanced.options, path: this.ctx.shaping?.upstreamPath ?? upstreamPath(target.rewrite, this.ctx.forwardPath, this.ctx.forwardQuery) },
      this,
    );
  }

  clientClosed(): void {
    this.clientGone = true;
    this.abortUpstream?.(new Error('client closed the request'));
  }

  timedOut(): void {
    this.headTimer = null;
    this.timeoutReached = true;
    if (this.abortUpstream !== null) this.abortUpstream(headTimeout);
    // Still waiting for a connection: answer now; the request is dropped once it gets one.
    else if (!this.settled) {
      if (this.ctx.breaker !== null) this.reportToBreaker(false);
      this.settle(fail('upstream_timeout'));
    }
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.clientGone) abort(new Error('client closed the request'));
    else if (this.timeoutReached) abort(headTimeout);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // Interim 1xx answers are the upstream's business with us; the client gets the final one.
    if (statusCode < 200) return true;
    this.stopHeadTimer();
    if (statusCode >= 500 && this.balanced !== null) this.balanced.target.health.recordFailure();
    if (this.ctx.breaker !== null) this.reportToBreaker(statusCode < 500);
    this.resume = resume;
    const ctx = this.ctx;
    ctx.status = statusCode;
    ctx.upstreamMs = performance.now() - this.dispatchedAt;
    const answer = ctx.answerHeaders;
    // With CORS on, the gateway's CORS headers are the only ones (as Tyk drops the upstream's duplicates).
    let headers = answer === null ? clientResponseHeaders(rawHeaders) : withoutCorsHeaders(clientResponseHeaders(rawHeaders));
    if (ctx.shaping !== null) headers = shapedResponseHeaders(headers, ctx.shaping);
    // An answer with no body (HEAD, 204, 304) has nothing to transform.
    if (ctx.responseTransform !== null && statusCode !== 204 && statusCode !== 304 && ctx.req.method !== 'HEAD') {
      // Written when the transform is done (see ResponseBody); nothing goes to the client before.
      this.buffered = new ResponseBody(ctx, statusCode, headers);
      return true;
    }
    // A cache miss: the answer is offered to the cache before the gateway's own headers join it.
    ctx.cacheFill?.onHead(statusCode, headers);
    // The enforcement steps' headers (rate limit, quota) join the upstream's in the one writeHead:
    // appended to the array already built, no header object, no setHeader merge.
    const extra = ctx.extraHeaders;
    if (extra !== null) for (let i = 0; i < extra.length; i++) headers.push(extra[i]!);
    if (answer !== null) for (let i = 0; i < answer.length; i++) headers.push(answer[i]!);
    ctx.res.writeHead(statusCode, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const buffered = this.buffered;
    if (buffered !== null) {
      if (buffered.add(chunk)) return true;
      // Past the transform's limit: the rest is not read.
      this.abortUpstream?.(responseTooLarge);
      return false;
    }
    this.ctx.bytesOut += chunk.length;
    this.ctx.cacheFill?.onData(chunk);
    if (this.ctx.res.write(chunk)) return true;
    // Pause the upstream until the client has taken what is buffered.
    this.ctx.res.once('drain', onClientDrain);
    return false;
  }

  onComplete(): void {
    const buffered = this.buffered;
    if (buffered !== null) {
      if (buffered.overLimit) return;
      buffered.finish((failure) => this.settle(failure ?? CONTINUE));
      return;
    }
    this.ctx.cacheFill?.onComplete();
    this.ctx.res.end();
    this.settle(CONTINUE);
  }

  onError(error: Error): void {
    this.stopHeadTimer();
    if (this.settled) return;
    const res = this.ctx.res;
    if (this.clientGone) {
      this.ctx.status = CLIENT_CLOSED_REQUEST;
      this.settle(CONTINUE);
    } else if (this.buffered !== null && this.buffered.overLimit) {
      this.settle(fail('upstream_body_too_large'));
    } else if (res.headersSent) {
      // The status is on the wire already; cutting the response short is the only honest signal.
      res.destroy();
      this.settle(CONTINUE);
    } else if (error instanceof BodyTooLargeError) {
      this.settle(tooLarge);
    } else if (this.balanced !== null && this.retryElsewhere(this.balanced, error)) {
      return;
    } else {
      if (this.ctx.breaker !== null) this.reportToBreaker(false);
      this.settle(fail(failureCode(error)));
    }
  }

  /** Passive check, then one retry on another target if the request was never sent. */
  private retryElsewhere(balanced: Balanced, error: Error): boolean {
    balanced.target.health.recordFailure();
    // onConnect is called just before undici writes the request: without it, no byte left.
    if (balanced.retried || this.abortUpstream !== null || this.timeoutReached) return false;
    if (!notSent.has((error as { code?: string }).code ?? '')) return false;
    const other = balanced.balancer.other(balanced.target);
    if (other === null) return false;
    balanced.retried = true;
    this.sendTo(other);
    return true;
  }

  private stopHeadTimer(): void {
    if (this.headTimer !== null) {
      clearTimeout(this.headTimer);
      this.headTimer = null;
    }
  }

  /** The request's outcome to its circuit breaker, once; null: none (the client left, the body was too large). */
  private reportToBreaker(success: boolean | null): void {
    const ctx = this.ctx;
    const breaker = ctx.breaker!;
    ctx.breaker = null;
    if (success === null) breaker.release(ctx.breakerTrial);
    else breaker.record(success, ctx.breakerTrial);
  }

  private settle(result: StepResult): void {
    // Whatever ended the exchange without an outcome still frees a half-open trial.
    if (this.ctx.breaker !== null) this.reportToBreaker(null);
    this.settled = true;
    resumeChain(this.ctx, result);
  }
}
