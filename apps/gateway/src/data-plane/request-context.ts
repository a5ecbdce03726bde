import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledApi, CompiledConfiguration } from './compiled.js';
import { isHostName } from '@portcullis/http';
import type { BodyTransform } from '@portcullis/domain';
import type { Identity } from './identity.js';
import type { ForwardShaping } from './shaping/forward-shaping.js';
import { normaliseRequestPath } from './request-path.js';
import type { Step } from './step.js';
import type { CacheFill } from './steps/cache.js';
import type { CompiledVersion } from './versions/compiled-versions.js';

import type { CircuitBreaker } from './upstreams/circuit-breaker.js';
import type { RequestTrace } from './tracing/request-trace.js';
/** Which enforcement refused a request (analytics' auth_result). */
export type Refusal = 'missing' | 'invalid' | 'forbidden' | 'rate_limited' | 'quota_exceeded';

/** Status recorded for a request whose client went away before it was answered (as nginx logs it). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Everything one request carries through the chain. Every field is set in the constructor so all
 * contexts share one hidden class (STYLE habit 6); the Host header is found only when asked for.
 */
export class RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The configuration the request started with; a swap mid-request does not affect it. */
  readonly config: CompiledConfiguration;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  /** The request target's path, without the query string, dot segments resolved (see request-path.ts). */
  readonly path: string;
  /** The path climbs above the root or hides a dot segment: refused before routing. */
  readonly pathInvalid: boolean;
  /** The query string with its `?`, exactly as received, or ''. */
  readonly query: string;
  /** Set by `match`. */
  api: CompiledApi | null;
  /** The steps this request runs: the pre-match chain until `match` picks an API. */
  chain: readonly Step[];
  /** Index in `chain` of the step running now. */
  index: number;
  /** The status answered (or CLIENT_CLOSED_REQUEST), for `record`. */
  status: number;
  /** Set by `authenticate`; null for keyless APIs and requests that failed before it. */
  identity: Identity | null;
  /**
   * APIs with several auth modes only: the next mode `authenticate` checks (it re-enters after a
   * mode that waited on a lookup), and the base mode's identity once that mode has passed.
   */
  authStage: number;
  baseIdentity: Identity | null;
  /**
   * Headers the enforcement steps add to the proxied response (rate-limit and quota state), flat
   * [name, value, ...]; null when none (the common keyless case appends nothing).
   */
  extraHeaders: string[] | null;
  /** Why the request was refused, when an enforcement step refused it (for analytics); null otherwise. */
  refusal: Refusal | null;
  /** Milliseconds from dispatching to the upstream until its response head; -1 when not proxied. */
  upstreamMs: number;
  /** Response body bytes relayed from the upstream. */
  bytesOut: number;
  /**
   * The request body, when a step had to read it whole (an OAuth 1.0a signature over form
   * parameters); the proxy then sends these bytes instead of streaming the request. Null otherwise.
   */
  body: Buffer | null;
  /** The API version the request resolved to (set by `version-check`); null when the API has none. */
  version: CompiledVersion | null;
  /** URL-versioned APIs: the path below the listen path without its version segment; null otherwise. */
  versionlessPath: string | null;
  /** The path and query sent upstream: `path` and `query`, unless the version step stripped the version. */
  forwardPath: string;
  forwardQuery: string;
  /** Request headers not forwarded (a version header under strip_versioning_data); null: none. */
  dropHeaders: ReadonlySet<string> | null;
  /** The response body transform of the request's path (steps/transform-body.ts); null: the response streams. */
  responseTransform: BodyTransform | null;
  /** The `tyk_context` a jq request transform gave: `$tyk_context.<name>` values for the header transforms; null: none. */
  transformContext: Record<string, unknown> | null;
  /**
   * Headers every answer to this request carries, the gateway's own errors included (CORS, set
   * before authentication as Tyk's CORS handler wraps the whole chain); null when none.
   */
  answerHeaders: readonly string[] | null;
  /**
   * The most request-body bytes the proxy may send upstream (a size limit the declared length
   * could not settle: a chunked body); -1 for no limit.
   */
  bodyLimit: number;
  /** The circuit breaker that admitted this request (set by `circuit-breakers`); the proxy reports the outcome to it. */
  breaker: CircuitBreaker | null;
  /** Whether the request is its breaker's half-open trial. */
  breakerTrial: boolean;
  /** Set by `cache` on a miss: the proxy hands it the upstream's answer to store; null otherwise. */
  cacheFill: CacheFill | null;
  /** The request came over TLS (the HTTPS listener sets it): X-Forwarded-Proto says https. */
  secure: boolean;
  /**
   * Upgrade requests only (the server's 'upgrade' event): the bytes that came after the request
   * head; the proxy step then tunnels the connection (websocket-tunnel.ts). Null otherwise.
   */
  upgradeHead: Buffer | null;
  /** What the shape step decided for the proxy (headers, method, rewrite, timeout); null: nothing. */
  shaping: ForwardShaping | null;
  /** The request's spans when tracing is on (tracing/traced-chain.ts); null when it is off. */
  trace: RequestTrace | null;
  private hostHeader: string | null | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, config: CompiledConfiguration, startedAt: number) {
    this.req = req;
    this.res = res;
    this.config = config;
    this.startedAt = startedAt;
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const path = normaliseRequestPath(rawPath);
    this.path = path ?? rawPath;
    this.pathInvalid = path === null;
    this.query = queryAt === -1 ? '' : url.slice(queryAt);
    this.api = null;
    this.chain = config.entryChain;
    this.index = 0;
    this.status = 0;
    this.identity = null;
    this.authStage = 0;
    this.baseIdentity = null;
    this.extraHeaders = null;
    this.refusal = null;
    this.upstreamMs = -1;
    this.bytesOut = 0;
    this.body = null;
    this.version = null;
    this.versionlessPath = null;
    this.forwardPath = this.path;
    this.forwardQuery = this.query;
    this.dropHeaders = null;
    this.responseTransform = null;
    this.transformContext = null;
    this.answerHeaders = null;
    this.bodyLimit = -1;
    this.breaker = null;
    this.breakerTrial = false;
    this.cacheFill = null;
    this.secure = false;
    this.upgradeHead = null;
    this.shaping = null;
    this.trace = null;
    this.hostHeader = undefined;
  }

  /** The request's Host header (first one), or null without one. */
  get host(): string | null {
    if (this.hostHeader === undefined) {
      this.hostHeader = null;
      const raw = this.req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        if (isHostName(raw[i]!)) {
          this.hostHeader = raw[i + 1]!;
          break;
        }
      }
    }
    return this.hostHeader;
  }
}
