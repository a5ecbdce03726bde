/**
 * Every error the platform answers with, by stable code. The code is the public contract: clients
 * branch on it, docs list it, and the HTTP status and message travel with it, so no caller picks a
 * status on its own. OAuth endpoints use the RFC 6749 codes instead (they live with the auth service).
 */
export const errorCatalogue = {
  // The data plane (gateway).
  api_not_found: { status: 404, message: 'No API matches this request' },
  invalid_path: { status: 400, message: 'The request path is not valid' },
  upstream_unreachable: { status: 502, message: 'The upstream service could not be reached' },
  upstream_timeout: { status: 504, message: 'The upstream service did not answer in time' },
  // Load balancing and health checks: every target of the API is taken out (failed its checks).
  upstream_unavailable: { status: 502, message: 'No healthy upstream target is available' },
  // Tyk's circuit breakers: the breaker of this path is open, the upstream is not called.
  circuit_open: { status: 503, message: 'The upstream service is unavailable: circuit breaker open' },
  // An Upgrade to an API without Tyk's enable_websockets, or an upgrade that is not a WebSocket handshake.
  websocket_not_enabled: { status: 400, message: 'WebSocket upgrades are not enabled for this API' },
  auth_required: { status: 401, message: 'Authorization is required' },
  // Tyk's IP allow and block lists (mw_ip_whitelist.go, mw_ip_blacklist.go): 403, Tyk's words.
  ip_not_allowed: { status: 403, message: 'Access from this IP has been disallowed' },
  // Tyk's static mTLS (mw_certificate_check.go): 403, Tyk's words.
  client_certificate_required: { status: 403, message: 'Client TLS certificate is required' },
  client_certificate_not_allowed: { status: 403, message: 'Certificate not allowed' },
  // Enforcement: a known caller that may not do this (403), or not now (429).
  access_denied: { status: 403, message: 'Access to this resource has been disallowed' },
  credential_expired: { status: 403, message: 'The credential has expired' },
  credential_inactive: { status: 403, message: 'The credential is not active' },
  // Versions and path rules, with Tyk's messages (gateway/api_definition.go's RequestStatus).
  version_not_found: { status: 403, message: 'Version information not found' },
  version_unknown: { status: 403, message: 'This API version does not seem to exist' },
  version_expired: { status: 403, message: 'Api Version has expired, please check documentation or contact administrator' },
  endpoint_forbidden: { status: 403, message: 'Requested endpoint is forbidden' },
  rate_limited: { status: 429, message: 'Rate limit exceeded' },
  quota_exceeded: { status: 429, message: 'Quota exceeded' },
  // Checks an API definition asks for (Tyk's messages): size limits, global_rate_limit, validate_json.
  request_too_large: { status: 413, message: 'Request is too large' },
  api_rate_limited: { status: 429, message: 'API Rate limit exceeded' },
  request_invalid: { status: 422, message: 'The request body does not match the schema' },
  // Body transforms (transform_jq, portcullis_transform_jsonata and their _response lists).
  transform_failed: { status: 500, message: "The path's body transform failed" },
  transform_timeout: { status: 500, message: "The path's body transform did not finish in time" },
  transform_busy: { status: 503, message: 'Too many body transforms are waiting; try again' },
  malformed_xml: { status: 400, message: 'The request body is not valid XML' },
  upstream_body_not_xml: { status: 502, message: "The upstream response body is not valid XML, which the path's transform needs" },
  upstream_body_not_json: { status: 502, message: "The upstream response body is not valid JSON, which the path's transform needs" },
  upstream_body_too_large: { status: 502, message: 'The upstream response body is too large to transform' },
  // Admin APIs and shared request handling.
  unauthorized: { status: 401, message: 'A valid admin secret is required' },
  malformed_json: { status: 400, message: 'The request body is not valid JSON' },
  validation_failed: { status: 400, message: 'The request is not valid' },
  payload_too_large: { status: 413, message: 'The request body is too large' },
  unsupported_media_type: { status: 415, message: 'The request body must be application/json' },
  not_found: { status: 404, message: 'Not found' },
  conflict: { status: 409, message: 'The request conflicts with existing state' },
  method_not_allowed: { status: 405, message: 'Method not allowed' },
  service_unavailable: { status: 503, message: 'A service this request needs is unavailable' },
  // External identity providers the developer portal registers clients at (RFC 7591/7592).
  provider_refused: { status: 502, message: 'The identity provider refused the request' },
  provider_unavailable: { status: 502, message: 'The identity provider could not be reached' },
  // Refused by the HTTP layer before any route (libs/http client-errors.ts, request-target.ts).
  malformed_request: { status: 400, message: 'The request is not valid HTTP' },
  request_timeout: { status: 408, message: 'The request was not received in time' },
  headers_too_large: { status: 431, message: 'The request headers are too large' },
  internal: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `proxy.target_url`. */
  field: string;
  message: string;
}

/** The one JSON error body every Portcullis endpoint (OAuth endpoints aside) answers with. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

export function errorBody(code: ErrorCode, message?: string, details?: ErrorDetail[]): ErrorBody {
  const body: ErrorBody = { error: code, message: message ?? errorCatalogue[code].message };
  if (details && details.length > 0) body.details = details;
  return body;
}

export function statusOf(code: ErrorCode): number {
  return errorCatalogue[code].status;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/**
 * A failure a service reports on purpose, carried as data (across NATS too) rather than as a thrown
 * exception with a stack: `fail('conflict', ...)` in the registry becomes the same 409 at the gateway's
 * Tyk API and at the native admin API.
 */
export class PortcullisError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'PortcullisError';
  }

  get status(): number {
    return statusOf(this.code);
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.details);
  }
}
