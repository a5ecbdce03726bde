import type { OAuthClient } from '@portcullis/domain';
import { readOpenIdParameters, type OpenIdParameters, type ResponseMode } from './openid-parameters.js';
import { parseClaimsParameter, type RequestedClaims } from '../claims/claims-request.js';
import { resolveRedirectUri } from './redirect-uri.js';

/** Parameters as Express parsed them from a query string or a form: a repeated one arrives as an array. */
export type RawParameters = Record<string, unknown>;

/** The authorization request parameters this server understands (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC nonce and claims). */
export const authorizationParameters = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  // OpenID Connect Core §3.1.2.1 (openid-parameters.ts reads them).
  'response_mode',
  'prompt',
  'max_age',
  'id_token_hint',
  'login_hint',
  'ui_locales',
  'claims_locales',
  'display',
  'acr_values',
  'claims',
] as const;
type ParameterName = (typeof authorizationParameters)[number];

/** What the client needs to have for its requests to be checked. */
export type AuthorizingClient = Pick<OAuthClient, 'client_id' | 'redirect_uris' | 'grant_types' | 'token_endpoint_auth_method' | 'scope'> & {
  client_name?: string;
  /** OpenID Connect Registration §2: the max_age applied when a request has none. */
  default_max_age?: number;
};

export interface ValidAuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | undefined;
  nonce: string | undefined;
  /** The OpenID Connect parameters that change how the user is signed in and answered. */
  oidc: OpenIdParameters;
  /** The `claims` parameter as sent (valid JSON of the right shape), and what it asks for (OIDC Core §5.5). */
  claims: string | undefined;
  requestedClaims: RequestedClaims | undefined;
}

/** An error the user must see on our own page: the client or its redirect URI cannot be trusted with it (RFC 6749 §4.1.2.1). */
export interface PageError {
  kind: 'page';
  /** The parameter at fault. */
  field: 'client_id' | 'redirect_uri';
  message: string;
}

/** An error the client learns of at its redirect URI (RFC 6749 §4.1.2.1). */
export interface RedirectError {
  kind: 'redirect';
  redirectUri: string;
  error:
    | 'invalid_request'
    | 'unauthorized_client'
    | 'unsupported_response_type'
    | 'invalid_scope'
    | 'access_denied'
    // OpenID Connect Core §3.1.2.6
    | 'login_required'
    | 'consent_required'
    | 'interaction_required'
    | 'request_not_supported'
    | 'request_uri_not_supported';
  description: string;
  state: string | undefined;
  /** How the client asked to be answered (OAuth 2.0 Form Post Response Mode); query when absent. */
  responseMode?: ResponseMode;
}

export type AuthorizationCheck = { kind: 'ok'; request: ValidAuthorizationRequest } | PageError | RedirectError;

/** One parameter's value: RFC 6749 §3.1 says an empty value counts as absent and a repeated one is an error. */
type Value = { value: string | undefined; repeated: boolean };

function read(parameters: RawParameters, name: ParameterName): Value {
  const raw = parameters[name];
  if (Array.isArray(raw)) return { value: undefined, repeated: true };
  // Anything but a string (a nested object from some parser) is treated like a repeat: not one clear value.
  if (raw !== undefined && typeof raw !== 'string') return { value: undefined, repeated: true };
  return { value: raw === '' ? undefined : raw, repeated: false };
}

/** The client_id, or why no client can be looked up (which is never worth a redirect). */
export function readClientId(parameters: RawParameters): { ok: true; clientId: string } | PageError {
  const clientId = read(parameters, 'client_id');
  if (clientId.repeated) return { kind: 'page', field: 'client_id', message: 'The client_id parameter is repeated.' };
  if (clientId.value === undefined) return { kind: 'page', field: 'client_id', message: 'The client_id parameter is missing.' };
  if (clientId.value.length > 256) return { kind: 'page', field: 'client_id', message: 'The client_id parameter is not valid.' };
  return { ok: true, clientId: clientId.value };
}

const codeChallengePattern = /^[A-Za-z0-9._~-]{43,128}$/; // RFC 7636 §4.2
const s256Pattern = /^[A-Za-z0-9_-]{43}$/; // base64url of 32 bytes, unpadded
const scopeTokenPattern = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3
const vscharPattern = /^[\x20-\x7E]+$/; // RFC 6749 Appendix A.5: state = 1*VSCHAR
const MAX_VALUE = 2048;

/**
 * Checks an authorization request for a known client. The redirect URI is settled first: until it is,
 * every error is shown on our page. After it, errors go back to the client by redirect (with `state`).
 */
export function checkAuthorizationRequest(client: AuthorizingClient, parameters: RawParameters): AuthorizationCheck {
  const redirect = read(parameters, 'redirect_uri');
  if (redirect.repeated) return { kind: 'page', field: 'redirect_uri', message: 'The redirect_uri parameter is repeated.' };
  // OIDC Core §3.1.2.1: an OpenID request names its redirect URI, even when the client registered only one.
  const rawScope = read(parameters, 'scope').value;
  if (redirect.value === undefined && rawScope !== undefined && rawScope.split(' ').includes('openid'))
    return { kind: 'page', field: 'redirect_uri', message: 'The redirect_uri parameter is required for an OpenID Connect request.' };
  const resolved = resolveRedirectUri(client.redirect_uris, redirect.value);
  if (!resolved.ok) return { kind: 'page', field: 'redirect_uri', message: resolved.reason };
  const redirectUri = resolved.redirectUri;

  const stateValue = read(parameters, 'state');
  const state = stateValue.value !== undefined && stateValue.value.length <= MAX_VALUE && vscharPattern.test(stateValue.value) ? stateValue.value : undefined;
  // The response mode decides how even the errors below are delivered; an unusable one is answered in the query.
  const mode = read(parameters, 'response_mode');
  const responseMode: ResponseMode = mode.value === 'form_post' && !mode.repeated ? 'form_post' : 'query';
  const fail = (error: RedirectError['error'], description: string): RedirectError => ({
    kind: 'redirect',
    redirectUri,
    error,
    description,
    state,
    responseMode,
  });

  const values = Object.fromEntries(authorizationParameters.map((name) => [name, read(parameters, name)])) as Record<ParameterName, Value>;
  const repeated = authorizationParameters.filter((name) => values[name].repeated);
  if (repeated.length > 0) return fail('invalid_request', `Repeated parameter: ${repeated.join(', ')}.`);
  const tooLong = authorizationParameters.filter((name) => (values[name].value?.length ?? 0) > MAX_VALUE);
  if (tooLong.length > 0) return fail('invalid_request', `Parameter too long: ${tooLong.join(', ')}.`);
  if (values.state.value !== undefined && state === undefined)
    return fail('invalid_request', 'The state parameter may hold only visible ASCII characters and spaces.');

  // OIDC Core §6: request objects are not supported (Discovery says so), and say so by their own codes.
  if (parameters.request !== undefined) return fail('request_not_supported', 'The request parameter (request objects) is not supported.');
  if (parameters.request_uri !== undefined) return fail('request_uri_not_supported', 'The request_uri parameter is not supported.');

  const responseType = values.response_type.value;
  if (responseType === undefined) return fail('invalid_request', 'The response_type parameter is missing.');
  if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (!client.grant_types.includes('authorization_code')) return fail('unauthorized_client', 'This client may not use the authorization code grant.');

  const codeChallenge = values.code_challenge.value;
  const method = values.code_challenge_method.value;
  if (codeChallenge === undefined) {
    if (method !== undefined) return fail('invalid_request', 'code_challenge_method was given without a code_challenge.');
    // RFC 6749 has no client secret for public clients: PKCE is what binds the code to this client instance (RFC 9700 §2.1.1).
    if (client.token_endpoint_auth_method === 'none')
      return fail('invalid_request', 'A public client must use PKCE (code_challenge with code_challenge_method=S256).');
  } else {
    // RFC 7636 §4.3: an absent method means plain, which lets anyone who sees the request redeem the code.
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
    if (!codeChallengePattern.test(codeChallenge) || !s256Pattern.test(codeChallenge))
      return fail('invalid_request', 'code_challenge is not a valid S256 challenge.');
  }

  const allowed = new Set(client.scope.split(' ').filter(Boolean));
  const requested = values.scope.value;
  let scope: string;
  if (requested === undefined) {
    // RFC 6749 §3.3: without a scope parameter, the client's registered scope is the default.
    scope = client.scope;
  } else {
    const tokens = requested.split(' ').filter(Boolean);
    if (tokens.length === 0 || !tokens.every((token) => scopeTokenPattern.test(token))) return fail('invalid_scope', 'The scope parameter is malformed.');
    const refused = tokens.filter((token) => !allowed.has(token));
    if (refused.length > 0) return fail('invalid_scope', `Scope not allowed for this client: ${refused.join(' ')}.`);
    scope = [...new Set(tokens)].join(' ');
  }

  const oidc = readOpenIdParameters(Object.fromEntries(authorizationParameters.map((name) => [name, values[name].value])), client.default_max_age);
  if (!oidc.ok) return fail('invalid_request', oidc.description);
  const claims = values.claims.value;
  const requestedClaims = claims === undefined ? undefined : parseClaimsParameter(claims);
  if (requestedClaims && !requestedClaims.ok) return fail('invalid_request', requestedClaims.description);

  return {
    kind: 'ok',
    request: {
      clientId: client.client_id,
      redirectUri,
      scope,
      state,
      codeChallenge,
      codeChallengeMethod: codeChallenge === undefined ? undefined : 'S256',
      nonce: values.nonce.value,
      oidc: oidc.value,
      claims,
      requestedClaims: requestedClaims?.claims,
    },
  };
}

/** The redirect URI with the response parameters added (RFC 6749 §4.1.2, RFC 9207 `iss`), keeping its own query. */
export function redirectWith(redirectUri: string, parameters: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

/** An error's response parameters (RFC 6749 §4.1.2.1, RFC 9207 `iss`). */
export function errorParameters(error: RedirectError, issuer: string): Record<string, string | undefined> {
  return { error: error.error, error_description: error.description, state: error.state, iss: issuer };
}

export function errorRedirect(error: RedirectError, issuer: string): string {
  return redirectWith(error.redirectUri, { error: error.error, error_description: error.description, state: error.state, iss: issuer });
}
