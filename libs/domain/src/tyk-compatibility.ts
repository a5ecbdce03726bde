/**
 * What Portcullis does with each field of Tyk's classic API definition: the one table that both
 * validation (refused fields) and the compatibility report (`GET /admin/apis/{id}/compatibility`,
 * the import's dry run) read, so the two can never disagree.
 *
 *  - enforced: Portcullis acts on the field with Tyk's meaning.
 *  - ignored:  accepted and kept as sent, but not acted on. Only fields whose absence can never let
 *              a request through that Tyk would refuse: convenience, traffic shaping, analytics.
 *  - refused:  the field asks for something that decides who may call, what they may reach or how
 *              the request is checked, and Portcullis does not do it (yet). A definition using it is
 *              refused naming the field: serving it would be weaker than Tyk ("never silently weaker").
 *
 * A refused field counts only when it asks for the feature (`inUse`): Tyk's full exports carry every
 * field with its empty value (`"enable_ip_whitelisting": false`, `"allowed_ips": []`), and those load.
 * Paths are dotted; `*` stands for every key of a map (version names, `auth_configs` modes).
 */

import { RAISED_EVENTS, REQUEST_EVENTS, UNRAISED_EVENTS } from './event-handlers.js';

export type FieldSupport = 'enforced' | 'ignored' | 'refused';

export interface FieldRule {
  readonly field: string;
  readonly support: FieldSupport;
  /** Why, in a few words: shown in the report and in the refusal. */
  readonly note: string;
  /** For refused fields: whether this value asks for the feature (default: truthy and not empty). */
  readonly inUse?: (value: unknown, definition: Record<string, unknown>) => boolean;
}

export interface CompatibilityEntry {
  readonly field: string;
  readonly note: string;
}

export interface CompatibilityReport {
  readonly enforced: readonly string[];
  readonly ignored: readonly CompatibilityEntry[];
  readonly refused: readonly CompatibilityEntry[];
}

/** Tyk's own notion of "set": true, a non-empty string, list or object, a non-zero number. */
export function isSet(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '' || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).some(isSet);
  return true;
}

const enabledFlag = (value: unknown) => isObject(value) && value.enabled === true;
const nextIssue = 'a traffic feature not applied yet; it never widens access';
const notEnforcedYet = 'not enforced by Portcullis yet';

const enforced = (field: string, note: string): FieldRule => ({ field, support: 'enforced', note });
const ignored = (field: string, note: string): FieldRule => ({ field, support: 'ignored', note });
const refused = (field: string, note: string, inUse?: FieldRule['inUse']): FieldRule => ({ field, support: 'refused', note, ...(inUse ? { inUse } : {}) });

const versionPrefix = 'version_data.versions.*';

export const tykApiFieldRules: readonly FieldRule[] = [
  enforced('api_id', 'the API id'),
  enforced('name', 'shown in the admin API and the portal'),
  enforced('org_id', 'a policy of another organisation is not applied'),
  enforced('active', 'an inactive API is not served'),
  enforced('domain', 'requests match on the Host header'),
  ignored('domain_disabled', 'the domain is always matched (stricter)'),
  enforced('use_keyless', 'no credential required'),
  enforced('use_standard_auth', 'auth tokens (API keys), the default mode'),
  enforced('use_oauth2', 'OAuth 2.0 access tokens'),
  enforced('oauth_meta', 'grant and response types, login redirect'),
  enforced('notifications', 'key-change notifications'),
  enforced('auth', 'where the credential is read from'),
  enforced('auth_configs', 'where each mode reads its credential from'),
  refused('auth.use_certificate', `certificate-bound credentials are ${notEnforcedYet}`),
  refused('auth.validate_signature', `request signature validation is ${notEnforcedYet}`),
  refused('auth_configs.*.use_certificate', `certificate-bound credentials are ${notEnforcedYet}`),
  refused('auth_configs.*.validate_signature', `request signature validation is ${notEnforcedYet}`),
  enforced('use_basic_auth', 'Basic credentials'),
  refused('basic_auth.extract_from_body', 'Basic credentials read from the body are not supported'),
  ignored('basic_auth', 'credential caching settings'),
  enforced('enable_signature_checking', 'HMAC-signed requests'),
  enforced('hmac_allowed_clock_skew', 'HMAC Date skew'),
  enforced('hmac_allowed_algorithms', 'HMAC algorithms'),
  enforced('enable_jwt', 'JWTs'),
  enforced('jwt_signing_method', 'pinned JWT algorithms'),
  enforced('jwt_source', 'JWT key, secret or JWKS'),
  enforced('jwt_identity_base_field', 'the identity claim'),
  enforced('jwt_policy_field_name', 'the policy claim'),
  enforced('jwt_default_policies', 'policies when the claim is absent'),
  enforced('jwt_scope_to_policy_mapping', 'scopes to policies'),
  enforced('jwt_scope_claim_name', 'the scope claim'),
  enforced('jwt_skip_kid', 'tokens without kid'),
  enforced('jwt_expires_at_validation_skew', 'exp skew'),
  enforced('jwt_not_before_validation_skew', 'nbf skew'),
  enforced('jwt_issued_at_validation_skew', 'iat skew'),
  refused('jwt_client_base_field', `binding JWTs to OAuth clients by claim is ${notEnforcedYet}`),
  refused('scopes', 'use jwt_scope_to_policy_mapping: scopes.jwt / scopes.oidc are not supported'),
  enforced('base_identity_provided_by', 'with several auth modes (all must pass), whose session applies'),
  enforced('jwt_issuers', 'Portcullis: several trusted issuers'),
  enforced('use_oauth1', 'Portcullis: OAuth 1.0a signed requests'),
  enforced('proxy.timeout', 'Portcullis: upstream response timeout'),
  refused('use_openid', 'OpenID Connect (use_openid) is not supported: use enable_jwt with jwt_source set to the provider'),
  ignored('openid_options', 'only read with use_openid'),
  refused('external_oauth', 'external OAuth (introspection) is not supported', enabledFlag),
  enforced(
    'use_mutual_tls_auth',
    'static mTLS: a client certificate listed in client_certificates is required (403 before authentication); the HTTPS listener asks for one with GATEWAY_TLS_REQUEST_CLIENT_CERT',
  ),
  enforced('client_certificates', "allowed certificates by SHA-256 (Tyk's certificate ids)"),
  refused('use_go_plugin_auth', 'Go plugin authentication is not supported'),
  refused('enable_coprocess_auth', 'coprocess (Python/Lua/gRPC) authentication is not supported'),
  refused('custom_plugin_auth_enabled', 'custom plugin authentication is not supported'),
  refused('custom_middleware', 'custom middleware (Python, Lua, gRPC, JavaScript plugins) is not supported', (value) => customMiddlewareInUse(value)),
  refused(
    'custom_middleware_bundle',
    'plugin bundles are not supported',
    (value, definition) => isSet(value) && definition.custom_middleware_bundle_disabled !== true,
  ),
  ignored('custom_middleware_bundle_disabled', 'no bundle is loaded'),
  refused('enable_batch_request_support', 'batch requests are not supported: each request of a batch would skip the per-request checks'),
  refused('graphql', 'GraphQL APIs are not supported', enabledFlag),
  refused('internal', 'internal APIs (reached through tyk:// only) are not supported'),
  refused('listen_port', 'a separate listen port is not supported: the API would be served on the gateway port'),
  refused('protocol', 'only HTTP and HTTPS are served', (value) => typeof value === 'string' && value !== '' && value !== 'http' && value !== 'https'),
  ignored('enable_proxy_protocol', 'the PROXY protocol is a listener setting'),
  enforced('enable_ip_whitelisting', 'IP allow list (403 before authentication)'),
  enforced('allowed_ips', 'addresses and CIDR networks, IPv4 and IPv6'),
  enforced('enable_ip_blacklisting', 'IP block list (403 before authentication)'),
  enforced('blacklisted_ips', 'addresses and CIDR networks, IPv4 and IPv6'),
  enforced('global_rate_limit', 'one rate limit for the whole API, all callers together, shared across gateways'),
  enforced('CORS', 'preflights answered before authentication; CORS headers on every answer'),
  refused('expiration', `an API expiry date is ${notEnforcedYet}`),
  enforced('strip_auth_data', "the caller's credential (header, query parameter) is not sent upstream"),
  enforced('upstream_certificates', 'upstream host (or * / *.parent) -> certificate id of /tyk/certs presented to that upstream (mTLS); https targets'),
  enforced('upstream_certificates_disabled', 'upstream_certificates are not used'),
  enforced(
    'pinned_public_keys',
    "upstream host (or * / *.parent) -> store ids: the upstream's chain must show one of their public keys (refused with ssl_insecure_skip_verify)",
  ),
  enforced('certificate_pinning_disabled', 'pinned_public_keys are not checked'),
  enforced('definition', 'where the version is read: header, url-param or url (location, key, strip_versioning_data, fallback_to_default)'),
  refused(
    'definition.enabled',
    'versions served by other API definitions (definition.versions) are not supported',
    (value, definition) => value === true && isObject(definition.definition) && isSet(definition.definition.versions),
  ),
  enforced('version_data', 'versions by header, URL segment or query parameter, default_version, not_versioned'),
  ignored(`${versionPrefix}.name`, 'a version is named by its key in versions'),
  enforced(`${versionPrefix}.expires`, 'an expired version answers 403 (read for versioned APIs, as in Tyk)'),
  enforced(`${versionPrefix}.use_extended_paths`, 'which path set is read: extended_paths or the legacy paths'),
  enforced(`${versionPrefix}.paths`, 'legacy white_list / black_list / ignored path lists'),
  enforced(
    `${versionPrefix}.extended_paths.white_list`,
    'only listed paths and methods are served; a `reply` method action is answered with its mock before authentication, as Tyk',
  ),
  enforced(`${versionPrefix}.extended_paths.black_list`, 'listed paths and methods answer 403'),
  enforced(`${versionPrefix}.extended_paths.ignored`, 'listed paths and methods skip authentication'),
  enforced(
    `${versionPrefix}.extended_paths.internal`,
    'reachable only by internal looping, which Portcullis does not do: 403 from outside, as Tyk answers an external caller',
  ),
  enforced(`${versionPrefix}.extended_paths.mock_response`, 'answered at the gateway after authentication (status, headers, body), no upstream call'),
  enforced(`${versionPrefix}.extended_paths.transform_headers`, 'request headers added (with $tyk_context variables) and deleted per path'),
  enforced(`${versionPrefix}.extended_paths.transform_response_headers`, 'response headers added and deleted per path'),
  enforced(
    `${versionPrefix}.extended_paths.url_rewrites`,
    'rewrites with triggers (headers, query, path parts, request context; any/all) and $1 groups; tyk:// targets refused',
  ),
  enforced(`${versionPrefix}.extended_paths.method_transforms`, 'the method sent upstream'),
  enforced(`${versionPrefix}.extended_paths.hard_timeouts`, 'per path upstream timeout (504)'),
  enforced(`${versionPrefix}.extended_paths.do_not_track_endpoints`, 'left out of analytics'),
  enforced(
    `${versionPrefix}.extended_paths.track_endpoints`,
    'a matching request is counted under the entry (its method and path template) as the endpoint dimension of the analytics',
  ),
  refused(
    `${versionPrefix}.extended_paths.transform`,
    'body transforms with Go templates cannot run here: use transform_jq or portcullis_transform_jsonata (docs/body-transforms.md)',
  ),
  refused(
    `${versionPrefix}.extended_paths.transform_response`,
    'body transforms with Go templates cannot run here: use transform_jq_response or portcullis_transform_jsonata_response (docs/body-transforms.md)',
  ),
  enforced(
    `${versionPrefix}.extended_paths.transform_jq`,
    "request body transformed by the jq program (jq 1.8, Tyk's input and output: body, rewrite_headers, tyk_context for the header transforms); checked when saved; bounded in time and size",
  ),
  enforced(
    `${versionPrefix}.extended_paths.transform_jq_response`,
    "response body transformed by the jq program (Tyk's input: body, _tyk_response_headers, _tyk_context); checked when saved; bounded in time and size",
  ),
  enforced(
    `${versionPrefix}.extended_paths.portcullis_transform_jsonata`,
    'Portcullis extension: request body transformed by a JSONata expression, JSON or XML in, JSON out (docs/body-transforms.md)',
  ),
  enforced(
    `${versionPrefix}.extended_paths.portcullis_transform_jsonata_response`,
    'Portcullis extension: response body transformed by a JSONata expression, JSON or XML in, JSON out (docs/body-transforms.md)',
  ),
  enforced(`${versionPrefix}.extended_paths.size_limits`, 'request size limits (413, also while a chunked body streams)'),
  enforced(`${versionPrefix}.extended_paths.validate_json`, 'JSON Schema (draft-04 / draft-07) validation of request bodies'),
  refused(`${versionPrefix}.extended_paths.validate_request`, `request validation is ${notEnforcedYet}`),
  refused(`${versionPrefix}.extended_paths.rate_limit`, `per-endpoint rate limits are ${notEnforcedYet}`),
  refused(`${versionPrefix}.extended_paths.go_plugin`, 'Go plugins are not supported'),
  refused(`${versionPrefix}.extended_paths.virtual`, 'virtual (JavaScript) endpoints are not supported'),
  enforced(
    `${versionPrefix}.extended_paths.circuit_breakers`,
    'circuit breakers (503 circuit_open while open, half-open trial request); BreakerTripped/BreakerReset are logged, counted and sent to event_handlers',
  ),
  enforced(`${versionPrefix}.extended_paths.cache`, 'paths whose safe requests are cached'),
  enforced(
    `${versionPrefix}.extended_paths.advanced_cache_config`,
    'cached paths with their own timeout and status codes (safe methods only; cache_key_regex is not read)',
  ),
  enforced(`${versionPrefix}.global_size_limit`, 'request size limit for every path (413)'),
  ignored(`${versionPrefix}.extended_paths`, nextIssue),
  enforced(`${versionPrefix}.override_target`, "the version's own upstream"),
  enforced(`${versionPrefix}.global_headers`, 'headers of every request (or response) of the version'),
  enforced(`${versionPrefix}.global_headers_remove`, 'headers of every request (or response) of the version'),
  enforced(`${versionPrefix}.global_headers_disabled`, 'headers of every request (or response) of the version'),
  enforced(`${versionPrefix}.global_response_headers`, 'headers of every request (or response) of the version'),
  enforced(`${versionPrefix}.global_response_headers_remove`, 'headers of every request (or response) of the version'),
  enforced(`${versionPrefix}.global_response_headers_disabled`, 'headers of every request (or response) of the version'),
  enforced(`${versionPrefix}.ignore_endpoint_case`, 'path rules of the version match regardless of case'),
  enforced('proxy.listen_path', 'where the API listens'),
  enforced('proxy.target_url', 'the upstream'),
  refused('proxy.target_url', 'tyk:// internal targets are not supported', (value) => typeof value === 'string' && /^tyk:\/\//i.test(value)),
  enforced('proxy.strip_listen_path', 'strips the listen path upstream'),
  enforced('proxy.preserve_host_header', "keeps the caller's Host upstream"),
  ignored('proxy.disable_strip_slash', nextIssue),
  enforced('proxy.enable_load_balancing', 'round robin over target_list, one connection pool per target'),
  enforced('proxy.target_list', 'the targets; one listed n times gets n shares'),
  enforced('proxy.check_host_against_uptime_tests', 'targets failing uptime_tests (or passive checks) are skipped until they answer again'),
  ignored('proxy.service_discovery', nextIssue),
  enforced('proxy.transport.ssl_insecure_skip_verify', "the upstream's certificate is not checked (logged as a warning when loaded)"),
  enforced('proxy.transport.ssl_min_version', 'lowest TLS version offered to the upstream'),
  enforced('proxy.transport.ssl_max_version', 'highest TLS version offered to the upstream'),
  enforced('proxy.transport.ssl_ciphers', 'cipher suites offered to the upstream (TLS 1.2 and below)'),
  enforced('proxy.transport.ssl_ca_certificates', 'Portcullis: the CAs (PEM) the upstream certificate must chain to'),
  enforced('proxy.transport.ssl_client_certificate', 'Portcullis: client certificate (PEM) presented to the upstream (mTLS)'),
  enforced('proxy.transport.ssl_client_key', 'Portcullis: its private key (PEM)'),
  ignored('proxy.transport.ssl_force_common_name_check', 'the upstream name is checked against subjectAltName, or the CN without one (RFC 6125)'),
  refused('proxy.transport.proxy_url', 'sending upstream traffic through a forward proxy is not supported'),
  enforced('enable_websockets', 'WebSocket upgrades proxied after the chain (authentication, limits); refused (400) on APIs without it'),
  enforced('do_not_track', 'left out of analytics'),
  ignored('disable_rate_limit', 'limits still apply (stricter)'),
  ignored('disable_quota', 'quotas still apply (stricter)'),
  enforced('cache_options', 'response cache of safe requests (memory, or Redis with REDIS_URL), keyed by caller; purged by DELETE /tyk/cache/{api_id}'),
  ignored('response_processors', nextIssue),
  enforced(
    'event_handlers',
    "eh_web_hook_handler (sent off the request path with Tyk's default body; template_path names a file on a Tyk gateway and is not read: the default body is sent, as Tyk does when it cannot load the file; event_timeout is the cooldown between identical events) and eh_log_handler; eh_js_handler / cp_dynamic_handler and unknown event names refused",
  ),
  ...RAISED_EVENTS.filter((event) => event.startsWith('Breaker')).map((event) =>
    enforced(`event_handlers.events.${event}`, 'raised when a circuit breaker opens or closes'),
  ),
  ...RAISED_EVENTS.filter((event) => event.startsWith('Host')).map((event) =>
    enforced(`event_handlers.events.${event}`, 'raised when an uptime or passive check takes a load-balanced target out or back'),
  ),
  ...REQUEST_EVENTS.map((event) =>
    enforced(
      `event_handlers.events.${event}`,
      "raised where the gateway refuses the request (429 rate limit or quota, 401, expired key); the body's key is the key's hash, never the credential",
    ),
  ),
  ...UNRAISED_EVENTS.map((event) => ignored(`event_handlers.events.${event}`, 'not raised by Portcullis yet: its handlers are kept, never run')),
  enforced('uptime_tests', 'active health checks (check_list url, method, headers, body, timeout; config.recheck_wait is the interval)'),
  ignored('session_lifetime', 'keys keep their own expiry'),
  ignored('session_lifetime_respects_key_expiration', 'keys keep their own expiry'),
  ignored('dont_set_quota_on_create', 'quota bookkeeping'),
  enforced('enable_context_vars', '$tyk_context variables in header values and rewrites are filled only when set (empty otherwise, as Tyk)'),
  ignored('config_data', 'plugin configuration'),
  ignored('config_data_disabled', 'plugin configuration'),
  ignored('tag_headers', 'analytics tags'),
  ignored('tags', 'gateway sharding tags'),
  ignored('tags_disabled', 'gateway sharding tags'),
  enforced(
    'enable_detailed_recording',
    'every request of the API is also kept as a request log (docs/gateway.md#analytics); Portcullis adds portcullis_request_log (sample_rate, errors)',
  ),
  ignored('detailed_tracing', 'tracing'),
  ignored('expire_analytics_after', 'analytics retention'),
  ignored('analytics_plugin', 'analytics plugin'),
  ignored('request_signing', 'signing requests to the upstream'),
  ignored('error_overrides', 'custom error bodies'),
  ignored('error_overrides_disabled', 'custom error bodies'),
  enforced('certificates', "certificate ids of /tyk/certs the HTTPS listener serves for the API's domain (SNI)"),
  ignored('auth_provider', 'Tyk legacy field'),
  ignored('session_provider', 'Tyk legacy field'),
  ignored('idp_client_id_mapping_disabled', 'Tyk Dashboard field'),
  ignored('is_oas', 'Tyk Dashboard field'),
  ignored('slug', 'Tyk Dashboard field'),
  ignored('id', 'Tyk database id'),
];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Tyk runs a custom middleware when it names any hook (pre, post, auth_check, ...). */
function customMiddlewareInUse(value: unknown): boolean {
  if (!isObject(value)) return false;
  return ['pre', 'post', 'post_key_auth', 'response', 'auth_check', 'id_extractor'].some((hook) => {
    const entry = value[hook];
    return hook === 'auth_check'
      ? isObject(entry) && typeof entry.name === 'string' && entry.name !== ''
      : hook === 'id_extractor'
        ? isObject(entry) && isSet(entry.extract_from) && value.driver !== ''
        : isSet(entry);
  });
}

/** Every value at a dotted path, `*` expanding over a map's keys, with its concrete path. */
function valuesAt(root: unknown, path: string): { path: string; value: unknown }[] {
  let current: { path: string; value: unknown }[] = [{ path: '', value: root }];
  for (const part of path.split('.')) {
    const next: { path: string; value: unknown }[] = [];
    for (const { path: at, value } of current) {
      if (!isObject(value)) continue;
      const keys = part === '*' ? Object.keys(value) : Object.hasOwn(value, part) ? [part] : [];
      for (const key of keys) next.push({ path: at === '' ? key : `${at}.${key}`, value: value[key] });
    }
    current = next;
  }
  return current.filter((entry) => entry.value !== undefined);
}

/** The fields of `definition` that ask for something refused: validation fails naming each. */
export function refusedFields(definition: Record<string, unknown>): CompatibilityEntry[] {
  const found: CompatibilityEntry[] = [];
  for (const rule of tykApiFieldRules) {
    if (rule.support !== 'refused') continue;
    for (const { path, value } of valuesAt(definition, rule.field)) {
      const inUse = rule.inUse ? rule.inUse(value, definition) : isSet(value);
      if (inUse) found.push({ field: path, note: `not supported: ${rule.note}` });
    }
  }
  return found;
}

/**
 * What Portcullis does with each field a definition carries. A field not in the table (ours, or
 * one Tyk added later) is listed as ignored and kept as sent.
 */
export function compatibilityReport(definition: Record<string, unknown>): CompatibilityReport {
  const refusedList = refusedFields(definition);
  const refusedPaths = new Set(refusedList.map((entry) => entry.field));
  const enforcedList: string[] = [];
  const ignoredList: CompatibilityEntry[] = [];
  const seen = new Set<string>();
  for (const rule of tykApiFieldRules) {
    for (const { path } of valuesAt(definition, rule.field)) {
      if (seen.has(path) || refusedPaths.has(path)) continue;
      if (rule.support === 'refused') continue; // not in use: a later rule (or the fallback) classifies it
      seen.add(path);
      if (rule.support === 'enforced') enforcedList.push(path);
      else ignoredList.push({ field: path, note: rule.note });
    }
  }
  for (const rule of tykApiFieldRules) {
    if (rule.support !== 'refused') continue;
    for (const { path } of valuesAt(definition, rule.field)) {
      if (seen.has(path) || refusedPaths.has(path)) continue;
      seen.add(path);
      ignoredList.push({ field: path, note: 'present but not set' });
    }
  }
  const covered = (key: string) => seen.has(key) || refusedPaths.has(key) || [...seen, ...refusedPaths].some((path) => path.startsWith(`${key}.`));
  for (const key of Object.keys(definition)) {
    if (!covered(key)) ignoredList.push({ field: key, note: 'not a Tyk classic field Portcullis knows: kept as sent' });
  }
  return { enforced: enforcedList, ignored: ignoredList, refused: refusedList };
}
