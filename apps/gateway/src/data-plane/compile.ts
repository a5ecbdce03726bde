import type { ApiDefinition } from '@portcullis/domain';
import { normaliseListenPath, readRequestLog } from '@portcullis/domain';
import { ClientAddress } from './client-address.js';
import type { ApiIdSet, CompiledApi, CompiledConfiguration, CompiledUpstream } from './compiled.js';
import { PersistentMap } from './persistent-map.js';
import type { Credentials } from './credentials/credentials.js';
import type { Enforcement } from './enforcement.js';
import type { GatewayMetrics } from './metrics.js';
import { entryChain, pipeline, withoutIdentitySteps } from './pipeline.js';
import { RouteTable } from './route-table.js';
import type { OAuthBridge } from './oauth/oauth-bridge.js';
import { compileApiRateLimit } from './steps/api-rate-limit.js';
import { compileAuthentication } from './steps/authenticate.js';
import { compileCache } from './steps/cache.js';
import { compileCors } from './steps/cors.js';
import type { ResponseCache } from './cache/response-cache.js';
import { compileSizeLimits } from './steps/size-limit.js';
import { compileValidations } from './steps/validate-json.js';
import { compileIpAccess } from './steps/ip-lists.js';
import { compileClientCertificates } from './steps/client-certificate.js';
import { compileOAuth } from './steps/oauth-endpoints.js';
import { compileUpstream } from './steps/proxy.js';
import { compileBreakers } from './steps/circuit-breakers.js';
import type { BreakerListener } from './upstreams/circuit-breaker.js';
import { compileShaping } from './steps/shape.js';
import { compileBodyTransforms } from './steps/transform-body.js';
import { compileTracked, compileUntracked } from './endpoint-tracking.js';
import type { DebugLogTable } from './debug-logs.js';
import type { UpstreamPools } from './upstream-pools.js';
import { compileEvents, type ApiEvents, type EventSink } from './events/api-events.js';
import { compileVersions } from './versions/compiled-versions.js';
import { compileUpstreamCertificates, type CertificateLookup } from './upstream-certificates.js';
import { compileUpstreamPins, type PublicKeyLookup } from './upstream-pins.js';
import type { ChainTracing } from './tracing/traced-chain.js';

export interface CompileDependencies {
  readonly pools: UpstreamPools;
  readonly metrics: GatewayMetrics;
  readonly defaultTimeoutSeconds: number;
  /** The auth service, for the OAuth endpoints of APIs with use_oauth2. */
  readonly oauth: OAuthBridge;
  /** What the auth modes share (sessions, JWKS, revocations); absent: no auth service (tests). */
  readonly credentials?: Credentials;
  /** Rate limiter, quota spender and analytics recorder of this gateway. */
  readonly enforcement: Enforcement;
  /** OAUTH1_MAX_BODY_BYTES: the largest form body read to check its signature; absent: the default. */
  readonly signedBodyLimit?: number;
  /** Finds the client's address for IP lists (TRUSTED_PROXIES); absent: no proxy is trusted. */
  readonly clientAddress?: ClientAddress;
  /** Where circuit breakers' BreakerTripped / BreakerReset go (logged); absent: nowhere (tests). */
  readonly breakerEvents?: BreakerListener;
  /** Where APIs' event_handlers send (webhooks, the log); absent: no handler runs (tests). */
  readonly events?: EventSink;
  /** Where cached answers are kept, and the largest body stored (CACHE_MAX_ENTRY_BYTES); absent: no cache (tests). */
  readonly responseCache?: { readonly store: ResponseCache; readonly maxEntryBytes: number };
  /** The certificate store's pairs (upstream_certificates); absent: none (tests). */
  readonly certificates?: CertificateLookup;
  /** The certificate store's public keys (pinned_public_keys); absent: none, so a pin cannot be met. */
  readonly publicKeys?: PublicKeyLookup;
  /** Tracing on: chains are compiled of traced steps; absent or null: plain steps (tracing costs nothing). */
  readonly tracing?: ChainTracing | null;
}

const noBreakerEvents: BreakerListener = () => undefined;

const untrusting = new ClientAddress([]);

/**
 * Turns one definition into its compiled form (STYLE habit 5): the chain of the steps it uses, the
 * parsed target, the prepared 401, the metric children. Nothing here is redone per request.
 */
export function compileApi(definition: ApiDefinition, deps: CompileDependencies): CompiledApi {
  const listenPath = normaliseListenPath(definition.proxy.listen_path);
  const steps = pipeline.filter((step) => step.enabledFor(definition));
  const tracing = deps.tracing ?? null;
  const chain = tracing === null ? steps : tracing.chain(steps);
  const events = compileEvents(definition, deps.events, deps.clientAddress ?? null);
  const breakers = compileBreakers(definition, withBreakerHandlers(deps.breakerEvents ?? noBreakerEvents, events));
  deps.metrics.trackBreakers(definition.api_id, breakers === null ? [] : [...breakers.byName.values()].flatMap((rules) => rules.map((rule) => rule.breaker)));
  // A version's override_target: the API's upstream settings with that target (Tyk's per-version target).
  // The version's target replaces the API's, target_list included: it is not balanced.
  const clientCertificates = compileUpstreamCertificates(definition, deps.certificates);
  const pins = compileUpstreamPins(definition, deps.publicKeys);
  const versionUpstream = (target: string) =>
    compileUpstream(
      { ...definition, proxy: { ...definition.proxy, target_url: target, enable_load_balancing: false } },
      deps.pools,
      deps.defaultTimeoutSeconds,
      listenPath,
      clientCertificates,
      pins,
    );
  return {
    id: definition.api_id,
    definition,
    listenPath,
    domain: (definition.domain ?? '').toLowerCase(),
    chain,
    upstream: compileUpstream(definition, deps.pools, deps.defaultTimeoutSeconds, listenPath, clientCertificates, pins),
    ipAccess: compileIpAccess(definition, deps.clientAddress ?? untrusting),
    clientCertificates: compileClientCertificates(definition),
    authentication: compileAuthentication(definition, deps.credentials, deps.signedBodyLimit),
    oauth: compileOAuth(definition, listenPath, deps.oauth),
    versions: compileVersions(definition, tracing === null ? withoutIdentitySteps(steps) : tracing.chain(withoutIdentitySteps(steps)), versionUpstream),
    cors: compileCors(definition),
    sizeLimits: compileSizeLimits(definition),
    validations: compileValidations(definition),
    apiRateLimit: compileApiRateLimit(definition),
    breakers,
    cache: deps.responseCache === undefined ? null : compileCache(definition, deps.responseCache.store, deps.responseCache.maxEntryBytes),
    recorder: deps.metrics.recorderFor(definition.api_id),
    enforcement: deps.enforcement,
    // Tyk's do_not_track: the API's traffic is left out of analytics.
    analytics: (definition as { do_not_track?: unknown }).do_not_track === true ? null : deps.enforcement.analytics,
    requestLog:
      (definition as { do_not_track?: unknown }).do_not_track === true || deps.enforcement.analytics === null
        ? null
        : readRequestLog(definition as unknown as Record<string, unknown>).value,
    shaping: compileShaping(definition),
    bodyTransforms: compileBodyTransforms(definition),
    untracked: compileUntracked(definition),
    tracked: compileTracked(definition),
    events,
  };
}

/** rubyist/circuitbreaker's BreakerEvent numbers, which Tyk sends as CircuitEvent. */
const circuitEvents = { BreakerTripped: 0, BreakerReset: 1 } as const;

/**
 * The breakers' listener, plus the API's handlers of BreakerTripped / BreakerReset and of Tyk's
 * older BreakerTriggered (raised on both) when it has any: an API without them pays nothing more.
 */
function withBreakerHandlers(listener: BreakerListener, events: ApiEvents | null): BreakerListener {
  if (events === null || !(events.has('BreakerTripped') || events.has('BreakerReset') || events.has('BreakerTriggered'))) return listener;
  return (event, labels, reason) => {
    listener(event, labels, reason);
    const meta = {
      apiId: labels.api_id,
      path: labels.path,
      circuitEvent: circuitEvents[event],
      message: `${event} ${labels.method || 'any method'} ${labels.path}: ${reason}`,
    };
    events.fire(event, meta);
    events.fire('BreakerTriggered', meta);
  };
}

/**
 * The APIs to tell that a load-balanced target went down or came back: those balancing over that
 * origin (target_list, or a version's) whose event_handlers handle `event`.
 */
export function apisBalancingOver(configuration: CompiledConfiguration, origin: string, event: 'HostDown' | 'HostUp'): ApiEvents[] {
  const found: ApiEvents[] = [];
  for (const api of configuration.apis.values()) {
    if (api.events === null || !api.events.has(event)) continue;
    if (upstreamsOf(api).some((upstream) => upstream.balancing?.balancer.targets.some((target) => target.origin === origin) === true)) found.push(api.events);
  }
  return found;
}

/** Every upstream an API sends to: its target (or target_list) and its versions' override_targets. */
function upstreamsOf(api: CompiledApi): CompiledUpstream[] {
  const upstreams = [api.upstream];
  if (api.versions !== null) for (const version of api.versions.byName.values()) if (version.upstream !== null) upstreams.push(version.upstream);
  return upstreams;
}

/** Every upstream pool an API sends to (see poolKey), load-balanced targets' included. */
export function upstreamOrigins(api: CompiledApi): string[] {
  return upstreamsOf(api).flatMap((upstream) => [upstream.poolKey, ...(upstream.balancing?.balancer.targets.map((target) => target.poolKey) ?? [])]);
}

/** The uptime checkers an API keeps running. */
export function uptimeCheckKeys(api: CompiledApi): readonly string[] {
  return upstreamsOf(api).flatMap((upstream) => upstream.balancing?.checkKeys ?? []);
}

/** Tyk does not load inactive APIs: they are absent from the table and answer 404 like unknown ones. */
export function isLoaded(definition: ApiDefinition): boolean {
  return definition.active !== false;
}

/**
 * A whole configuration from compiled APIs. Should two ever claim one route, the one of the lowest
 * id wins on every gateway (see RouteTable).
 */
export function buildConfiguration(
  revision: number,
  apis: Iterable<CompiledApi>,
  metrics: GatewayMetrics,
  definedApiIds?: ApiIdSet,
  debugLogs: DebugLogTable | null = null,
): CompiledConfiguration {
  const loaded = [...apis];
  return {
    revision,
    routes: new RouteTable(loaded),
    apis: PersistentMap.from(loaded.map((api) => [api.id, api])),
    definedApiIds: definedApiIds ?? PersistentMap.from(loaded.map((api) => [api.id, true])),
    entryChain,
    unmatched: metrics.recorderFor(''),
    debugLogs,
  };
}

/**
 * The next configuration after one API changed: `previous` (its compiled form in `configuration`,
 * if loaded) out, `next` (if loaded now) in. Only that API's entries change; everything else is
 * shared with `configuration`, which stays as it was for the requests running on it.
 */
export function withApiChange(
  configuration: CompiledConfiguration,
  revision: number,
  previous: CompiledApi | undefined,
  next: CompiledApi | null,
  definedApiIds: ApiIdSet,
): CompiledConfiguration {
  let routes = configuration.routes;
  let apis = configuration.apis;
  if (previous !== undefined) {
    routes = routes.without(previous);
    apis = apis.without(previous.id);
  }
  if (next !== null) {
    routes = routes.with(next);
    apis = apis.with(next.id, next);
  }
  return { ...configuration, revision, routes, apis, definedApiIds };
}
