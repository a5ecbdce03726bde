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
import type { UpstreamPools } from '../upstream-pools.js';

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
    const req = ctx.req;
    let headers = upstreamRequestHeaders(req.rawHeaders, clientAddress(req.socket.remoteAddress), 'http', upstream.preserveHost);
    if (ctx.dropHeaders !== null) headers = withoutNamed(headers, ctx.dropHeaders);
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
    const exchange = new ProxyExchange(ctx, ownHeadTimer ? timeoutMs : 0);
    upstream.pool.dispatch(
      {
        path: shaping?.upstreamPath ?? upstreamPath(upstream.rewrite, ctx.forwardPath, ctx.forwardQuery),
        method: (shaping?.method ?? req.method) as Dispatcher.HttpMethod,
        headers,
        // A body an auth mode had to read whole (see RequestContext.body) goes as those bytes.
        body: ctx.body ?? (requestHasBody(req.rawHeaders) ? (ctx.bodyLimit === -1 ? req : limitedBody(req, ctx.bodyLimit)) : null),
        headersTimeout: timeoutMs,
        // Also the longest silence allowed between body chunks: a stalled upstream is cut off.
        bodyTimeout: timeoutMs,
      },
      exchange,
    );
    return PENDING;
  },
};

/** Below this, a timeout is kept by a timer of the exchange's own rather than undici's coarse one. */
const OWN_TIMER_BELOW_MS = 10_000;

export function compileUpstream(api: ApiDefinition, pools: UpstreamPools, defaultTimeoutSeconds: number, listenPath: string): CompiledUpstream {
  const target = new URL(api.proxy.target_url);
  const timeoutMs = Math.round((api.proxy.timeout ?? defaultTimeoutSeconds) * 1000);
  return {
    origin: target.origin,
    pool: pools.get(target.origin),
    rewrite: compilePathRewrite(target, listenPath, api.proxy.strip_listen_path),
    preserveHost: api.proxy.preserve_host_header,
    allowTrace: api.proxy.allow_trace === true,
    timeoutMs,
    ownHeadTimer: timeoutMs < OWN_TIMER_BELOW_MS,
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
  /** Upstream latency runs from here to the response head. */
  private readonly dispatchedAt: number;

  /** `headTimeoutMs` > 0: time the response head here (see CompiledUpstream.ownHeadTimer). */
  constructor(
    private readonly ctx: RequestContext,
    headTimeoutMs: number,
  ) {
    this.abortUpstream = null;
    this.resume = null;
    this.clientGone = false;
    this.settled = false;
    this.timeoutReached = false;
    this.dispatchedAt = performance.now();
    this.headTimer = headTimeoutMs > 0 ? setTimeout(onHeadTimeout, headTimeoutMs, this) : null;
    const res = ctx.res as ExchangeResponse;
    res[kExchange] = this;
    res.once('close', onClientClose);
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
    else if (!this.settled) this.settle(fail('upstream_timeout'));
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
    this.resume = resume;
    const ctx = this.ctx;
    ctx.status = statusCode;
    ctx.upstreamMs = performance.now() - this.dispatchedAt;
    const answer = ctx.answerHeaders;
    // With CORS on, the gateway's CORS headers are the only ones (as Tyk drops the upstream's duplicates).
    let headers = answer === null ? clientResponseHeaders(rawHeaders) : withoutCorsHeaders(clientResponseHeaders(rawHeaders));
    if (ctx.shaping !== null) headers = shapedResponseHeaders(headers, ctx.shaping);
    // The enforcement steps' headers (rate limit, quota) join the upstream's in the one writeHead:
    // appended to the array already built, no header object, no setHeader merge.
    const extra = ctx.extraHeaders;
    if (extra !== null) for (let i = 0; i < extra.length; i++) headers.push(extra[i]!);
    if (answer !== null) for (let i = 0; i < answer.length; i++) headers.push(answer[i]!);
    ctx.res.writeHead(statusCode, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.ctx.bytesOut += chunk.length;
    if (this.ctx.res.write(chunk)) return true;
    // Pause the upstream until the client has taken what is buffered.
    this.ctx.res.once('drain', onClientDrain);
    return false;
  }

  onComplete(): void {
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
    } else if (res.headersSent) {
      // The status is on the wire already; cutting the response short is the only honest signal.
      res.destroy();
      this.settle(CONTINUE);
    } else if (error instanceof BodyTooLargeError) {
      this.settle(tooLarge);
    } else {
      this.settle(fail(failureCode(error)));
    }
  }

  private stopHeadTimer(): void {
    if (this.headTimer !== null) {
      clearTimeout(this.headTimer);
      this.headTimer = null;
    }
  }

  private settle(result: StepResult): void {
    this.settled = true;
    resumeChain(this.ctx, result);
  }
}
