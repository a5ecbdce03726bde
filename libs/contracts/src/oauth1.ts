/**
 * How far an OAuth 1.0a request's `oauth_timestamp` may be from the clock, either way: gateways
 * refuse requests outside it, and the auth service keeps each spent nonce until its timestamp leaves
 * it (RFC 5849 §3.3 leaves the window to the server; five minutes is the usual choice).
 */
export const OAUTH1_TIMESTAMP_WINDOW_SECONDS = 300;
