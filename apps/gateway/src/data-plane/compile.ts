import type { ApiDefinition } from '@portcullis/domain';
import { normaliseListenPath } from '@portcullis/domain';
import { ClientAddress } from './client-address.js';
import type { CompiledApi, CompiledConfiguration } from './compiled.js';
import type { Credentials } from './credentials/credentials.js';
import type { Enforcement } from './enforcement.js';
import type { GatewayMetrics } from './metrics.js';
import { entryChain, pipeline, withoutIdentitySteps } from './pipeline.js';
import { RouteTable } from './route-table.js';
import type { OAuthBridge } from './oauth/oauth-bridge.js';
import { compileApiRateLimit } from './steps/api-rate-limit.js';
import { compileAuthentication } from './steps/authenticate.js';
import { compileCors } from './steps/cors.js';
import { compileSizeLimits } from './steps/size-limit.js';
import { compileValidations } from './steps/validate-json.js';
import { compileIpAccess } from './steps/ip-lists.js';
import { compileOAuth } from './steps/oauth-endpoints.js';
import { compileUpstream } from './steps/proxy.js';
import { compileShaping } from './steps/shape.js';
import { compileUntracked } from './steps/record.js';
import type { UpstreamPools } from './upstream-pools.js';
import { compileVersions } from './versions/compiled-versions.js';

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
}

const untrusting = new ClientAddress([]);

/**
 * Turns one definition into its compiled form (STYLE habit 5): the chain of the steps it uses, the
 * parsed target, the prepared 401, the metric children. Nothing here is redone per request.
 */
export function compileApi(definition: ApiDefinition, deps: CompileDependencies): CompiledApi {
  const listenPath = normaliseListenPath(definition.proxy.listen_path);
  const chain = pipeline.filter((step) => step.enabledFor(definition));
  // A version's override_target: the API's upstream settings with that target (Tyk's per-version target).
  const versionUpstream = (target: string) => compileUpstream({ ...definition, proxy: { ...definition.proxy, target_url: target } }, deps.pools, deps.defaultTimeoutSeconds, listenPath);
  return {
    id: definition.api_id,
    definition,
    listenPath,
    domain: (definition.domain ?? '').toLowerCase(),
    chain,
    upstream: compileUpstream(definition, deps.pools, deps.defaultTimeoutSeconds, listenPath),
    ipAccess: compileIpAccess(definition, deps.clientAddress ?? untrusting),
    authentication: compileAuthentication(definition, deps.credentials, deps.signedBodyLimit),
    oauth: compileOAuth(definition, listenPath, deps.oauth),
    versions: compileVersions(definition, withoutIdentitySteps(chain), versionUpstream),
    cors: compileCors(definition),
    sizeLimits: compileSizeLimits(definition),
    validations: compileValidations(definition),
    apiRateLimit: compileApiRateLimit(definition),
    recorder: deps.metrics.recorderFor(definition.api_id),
    enforcement: deps.enforcement,
    // Tyk's do_not_track: the API's traffic is left out of analytics.
    analytics: (definition as { do_not_track?: unknown }).do_not_track === true ? null : deps.enforcement.analytics,
    shaping: compileShaping(definition),
    untracked: compileUntracked(definition),
  };
}

/** Every upstream origin an API sends to: its target and its versions' override_targets. */
export function upstreamOrigins(api: CompiledApi): string[] {
  const origins = [api.upstream.origin];
  if (api.versions !== null) for (const version of api.versions.byName.values()) if (version.upstream !== null) origins.push(version.upstream.origin);
  return origins;
}

/** Tyk does not load inactive APIs: they are absent from the table and answer 404 like unknown ones. */
export function isLoaded(definition: ApiDefinition): boolean {
  return definition.active !== false;
}

/**
 * A whole configuration from compiled APIs, ordered by id so that, should two ever claim one
 * route, the same one wins on every gateway.
 */
export function buildConfiguration(revision: number, apis: Iterable<CompiledApi>, metrics: GatewayMetrics, definedApiIds?: ReadonlySet<string>): CompiledConfiguration {
  const sorted = [...apis].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    revision,
    routes: new RouteTable(sorted),
    apis: new Map(sorted.map((api) => [api.id, api])),
    definedApiIds: definedApiIds ?? new Set(sorted.map((api) => api.id)),
    entryChain,
    unmatched: metrics.recorderFor(''),
  };
}
