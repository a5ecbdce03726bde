import type { ApiDefinition } from '@portcullis/domain';
import type { Dispatcher } from 'undici';
import type { AnalyticsSinkPort, Enforcement } from './enforcement.js';
import type { PathRewrite } from './forwarding.js';
import type { ApiRecorder } from './metrics.js';
import type { CompiledOAuth } from './oauth/compiled-oauth.js';
import type { PersistentMap } from './persistent-map.js';
import type { Routable, RouteTable } from './route-table.js';
import type { AuthMode } from './identity.js';
import type { RequestContext } from './request-context.js';
import type { RespondResult, Step, StepResult } from './step.js';
import type { CompiledVersions } from './versions/compiled-versions.js';
import type { CompiledApiRateLimit } from './steps/api-rate-limit.js';
import type { CompiledCache } from './steps/cache.js';
import type { CompiledCors } from './steps/cors.js';
import type { CompiledSizeLimits } from './steps/size-limit.js';
import type { CompiledValidation } from './steps/validate-json.js';
import type { CompiledIpAccess } from './steps/ip-lists.js';
import type { CompiledClientCertificates } from './steps/client-certificate.js';
import type { PerVersion } from './version-settings.js';
import type { CompiledBalancing } from './upstreams/compile-balancer.js';
import type { CompiledBreakers } from './steps/circuit-breakers.js';
import type { UpstreamTlsOptions } from './upstream-tls.js';
import type { CompiledShaping } from './steps/shape.js';
import type { CompiledBodyTransforms } from './steps/transform-body.js';
import type { RequestLogSettings, ShapedPath, TrackedEndpoint } from '@portcullis/domain';
import type { DebugLogTable } from './debug-logs.js';
import type { ApiEvents } from './events/api-events.js';

/** Where and how the proxy step sends an API's requests, all decided at load. */
export interface CompiledUpstream {
  readonly origin: string;
  readonly pool: Dispatcher;
  readonly rewrite: PathRewrite;
  readonly preserveHost: boolean;
  /** proxy.allow_trace: TRACE is forwarded; otherwise `match` answers 405. */
  readonly allowTrace: boolean;
  /** proxy.timeout (or the gateway default), in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Whether the proxy times the response head itself: undici's own timers tick about every 0.5 s
   * (cheap, but a 0.5 s timeout could fire after 1 s), fine for long timeouts, not for short ones.
   */
  readonly ownHeadTimer: boolean;
  /** proxy.enable_load_balancing: the target_list's balancer (pool and rewrite then come from the target). */
  readonly balancing: CompiledBalancing | null;
  /** https targets with proxy.transport set: the TLS options of the connection; null otherwise. */
  readonly tls: UpstreamTlsOptions | null;
  /** Which pool of UpstreamPools it uses: the origin, or the origin and its TLS options' digest. */
  readonly poolKey: string;
}

/** What the authenticate step needs of an API that requires credentials. */
export interface CompiledAuthentication {
  /** The base mode: whose identity decides policy, rights, limits and analytics. */
  readonly mode: AuthMode;
  /** Every mode required, in Tyk's chain order (one for most APIs). */
  readonly modes: readonly AuthMode[];
  /** The modes' checks, compiled for this API (chained when several): sets `ctx.identity` or answers 401 / 403 / 503. */
  readonly check: (ctx: RequestContext) => StepResult;
  /** Each mode's answer when no credential was presented: 401 with its WWW-Authenticate challenge. */
  readonly challenges: ReadonlySet<RespondResult>;
}

/** An API definition turned into what the hot path looks up: its chain and each step's settings. */
export interface CompiledApi extends Routable {
  readonly id: string;
  readonly definition: ApiDefinition;
  /** The steps enabled for this API, in pipeline order; `match` first. */
  readonly chain: readonly Step[];
  readonly upstream: CompiledUpstream;
  /** Null for keyless APIs (their chain has no authenticate step). */
  readonly authentication: CompiledAuthentication | null;
  /** Null unless the API has an IP allow or block list (its chain then has the ip-lists step). */
  readonly ipAccess: CompiledIpAccess | null;
  /** Null unless the API uses static mTLS (use_mutual_tls_auth; its chain then has the client-certificate step). */
  readonly clientCertificates: CompiledClientCertificates | null;
  /** Null unless the API uses OAuth 2.0 (its chain then has the oauth-endpoints step). */
  readonly oauth: CompiledOAuth | null;
  /** Null unless the API has versions or path rules (its chain then has the version-check step). */
  readonly versions: CompiledVersions | null;
  /** Null unless the API enables Tyk's CORS (its chain then has the cors step). */
  readonly cors: CompiledCors | null;
  /** Null unless a version sets size limits (global_size_limit, extended_paths.size_limits); per version. */
  readonly sizeLimits: PerVersion<CompiledSizeLimits> | null;
  /** Null unless a version validates JSON bodies (extended_paths.validate_json); per version. */
  readonly validations: PerVersion<readonly CompiledValidation[]> | null;
  /** Null unless a version has extended_paths.circuit_breakers (its chain then has the circuit-breakers step); per version. */
  readonly breakers: PerVersion<CompiledBreakers> | null;
  /** Null unless the API sets a global_rate_limit. */
  readonly apiRateLimit: CompiledApiRateLimit | null;
  /** Null unless the API enables Tyk's cache (cache_options.enable_cache). */
  readonly cache: CompiledCache | null;
  readonly recorder: ApiRecorder;
  /** The gateway's limiters, shared by every API (the rate-limit and quota steps use them). */
  readonly enforcement: Enforcement;
  /** Where this API's analytics records go; null when analytics are off or the API opts out (do_not_track). */
  readonly analytics: AnalyticsSinkPort | null;
  /** Null unless the API keeps request logs (enable_detailed_recording, portcullis_request_log) and analytics are on. */
  readonly requestLog: RequestLogSettings | null;
  /** Null unless a version shapes requests or strip_auth_data is set (its chain then has the shape step). */
  readonly shaping: CompiledShaping | null;
  /** Null unless a version has body transforms (transform_jq, portcullis_transform_jsonata, their _response lists); per version. */
  readonly bodyTransforms: CompiledBodyTransforms | null;
  /** Null unless a version lists do_not_track_endpoints: requests to them get no analytics record. */
  readonly untracked: PerVersion<readonly ShapedPath[]> | null;
  /** Null unless a version lists track_endpoints: a request matching one is counted under that entry. */
  readonly tracked: PerVersion<readonly TrackedEndpoint[]> | null;
  /** Null unless event_handlers has a handler for an event Portcullis raises (breakers, host checks). */
  readonly events: ApiEvents | null;
}

/**
 * One immutable configuration: swapped in by reference, never changed in place. A change makes the
 * next one from this one, sharing every part the change did not touch (persistent maps), so its
 * cost does not grow with the number of APIs.
 */
export interface CompiledConfiguration {
  /** The registry revision it reflects; -1 before the first snapshot. */
  readonly revision: number;
  readonly routes: RouteTable<CompiledApi>;
  /** Loaded (active) APIs by id. */
  readonly apis: PersistentMap<string, CompiledApi>;
  /** Every API the registry holds, loaded or not: a credential's right for any other names one deleted. */
  readonly definedApiIds: ApiIdSet;
  /** What a request runs before `match` has chosen an API. */
  readonly entryChain: readonly Step[];
  /** Where requests that match no API are recorded. */
  readonly unmatched: ApiRecorder;
  /** The callers whose every request is kept as a request log for now (admin debug sessions); null when none is. */
  readonly debugLogs: DebugLogTable | null;
}

/** The ids of every API the registry holds. */
export interface ApiIdSet {
  has(apiId: string): boolean;
}
