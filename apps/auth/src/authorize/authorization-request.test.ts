import { describe, expect, it } from 'vitest';
import { checkAuthorizationRequest, errorRedirect, readClientId, redirectWith, type AuthorizingClient } from './authorization-request.js';

const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636 appendix B
const confidential: AuthorizingClient = {
  client_id: 'web',
  redirect_uris: ['https://app.example/cb', 'https://app.example/cb2'],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'read write',
};
const publicClient: AuthorizingClient = { ...confidential, client_id: 'spa', token_endpoint_auth_method: 'none' };
const base = { response_type: 'code', client_id: 'web', redirect_uri: 'https://app.example/cb', state: 'xyz' };

describe('readClientId', () => {
  it('shows missing, repeated or absurd client ids on the page', () => {
    expect(readClientId({})).toMatchObject({ kind: 'page' });
    expect(readClientId({ client_id: '' })).toMatchObject({ kind: 'page' });
    expect(readClientId({ client_id: ['a', 'b'] })).toMatchObject({ kind: 'page' });
    expect(readClientId({ client_id: 'x'.repeat(300) })).toMatchObject({ kind: 'page' });
    expect(readClientId({ client_id: 'web' })).toEqual({ ok: true, clientId: 'web' });
  });
});

describe('checkAuthorizationRequest', () => {
  it('accepts a valid request and defaults the scope to the registered one', () => {
    expect(checkAuthorizationRequest(confidential, base)).toEqual({
      kind: 'ok',
      request: {
        clientId: 'web',
        redirectUri: 'https://app.example/cb',
        scope: 'read write',
        state: 'xyz',
        codeChallenge: undefined,
        codeChallengeMethod: undefined,
        nonce: undefined,
        oidc: {
          responseMode: 'query',
          prompt: [],
          maxAge: undefined,
          idTokenHint: undefined,
          loginHint: undefined,
          uiLocales: undefined,
          claimsLocales: undefined,
          display: undefined,
          acrValues: undefined,
        },
      },
    });
  });

  it('requires redirect_uri for an OpenID request even when only one is registered (OIDC Core §3.1.2.1)', () => {
    const { redirect_uri: _omitted, ...withoutRedirect } = base;
    const openid = { ...confidential, redirect_uris: ['https://app.example/cb'], scope: 'openid read' };
    expect(checkAuthorizationRequest(openid, { ...withoutRedirect, scope: 'openid' })).toMatchObject({ kind: 'page', field: 'redirect_uri' });
    expect(checkAuthorizationRequest(openid, { ...withoutRedirect, scope: 'read' })).toMatchObject({ kind: 'ok' });
  });

  it('answers request objects as unsupported, and delivers errors by form_post when asked', () => {
    expect(checkAuthorizationRequest(confidential, { ...base, request: 'e30.e30.' })).toMatchObject({
      kind: 'redirect',
      error: 'request_not_supported',
      state: 'xyz',
    });
    expect(checkAuthorizationRequest(confidential, { ...base, request_uri: 'https://x/r' })).toMatchObject({ error: 'request_uri_not_supported' });
    expect(checkAuthorizationRequest(confidential, { ...base, response_mode: 'form_post', response_type: 'token' })).toMatchObject({
      error: 'unsupported_response_type',
      responseMode: 'form_post',
    });
    expect(checkAuthorizationRequest(confidential, { ...base, max_age: '-1' })).toMatchObject({ error: 'invalid_request', responseMode: 'query' });
  });

  it('keeps a narrower scope and the PKCE challenge', () => {
    const check = checkAuthorizationRequest(publicClient, { ...base, scope: 'read read', code_challenge: challenge, code_challenge_method: 'S256' });
    expect(check).toMatchObject({ kind: 'ok', request: { scope: 'read', codeChallenge: challenge, codeChallengeMethod: 'S256' } });
  });

  it('keeps the claims parameter as sent, and what it asks for', () => {
    const claims = '{"id_token":{"email":{"essential":true}},"userinfo":{"name":null}}';
    expect(checkAuthorizationRequest(confidential, { ...base, claims })).toMatchObject({
      kind: 'ok',
      request: { claims, requestedClaims: { id_token: ['email'], userinfo: ['name'] } },
    });
  });

  describe('errors before the redirect URI is settled go to the page, never to a redirect', () => {
    it.each([
      ['a redirect URI that is not registered', { ...base, redirect_uri: 'https://evil.example/cb' }],
      ['a repeated redirect URI', { ...base, redirect_uri: ['https://app.example/cb', 'https://app.example/cb'] }],
      ['no redirect URI when several are registered', { ...base, redirect_uri: undefined }],
      ['a bad redirect URI along with other errors', { redirect_uri: 'https://evil.example/cb', response_type: 'token' }],
    ])('%s', (_label, parameters) => {
      expect(checkAuthorizationRequest(confidential, parameters)).toMatchObject({ kind: 'page' });
    });
  });

  describe('errors after it go back to the client with state', () => {
    it.each([
      ['missing response_type', { ...base, response_type: undefined }, 'invalid_request'],
      ['response_type token', { ...base, response_type: 'token' }, 'unsupported_response_type'],
      ['a repeated parameter', { ...base, scope: ['read', 'write'] }, 'invalid_request'],
      ['a scope the client does not have', { ...base, scope: 'read admin' }, 'invalid_scope'],
      ['a malformed scope', { ...base, scope: 'read "x"' }, 'invalid_scope'],
      ['plain PKCE', { ...base, code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request'],
      ['a challenge without a method (means plain)', { ...base, code_challenge: challenge }, 'invalid_request'],
      ['a method without a challenge', { ...base, code_challenge_method: 'S256' }, 'invalid_request'],
      ['a challenge that is not S256-shaped', { ...base, code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
      ['a claims parameter that is not JSON (OIDC Core §5.5)', { ...base, claims: '{"userinfo":' }, 'invalid_request'],
      ['a claims parameter whose userinfo is not an object', { ...base, claims: '{"userinfo":["email"]}' }, 'invalid_request'],
    ])('%s → %s', (_label, parameters, error) => {
      expect(checkAuthorizationRequest(confidential, parameters)).toMatchObject({
        kind: 'redirect',
        redirectUri: 'https://app.example/cb',
        error,
        state: 'xyz',
      });
    });

    it('a public client without PKCE → invalid_request', () => {
      expect(checkAuthorizationRequest(publicClient, base)).toMatchObject({ kind: 'redirect', error: 'invalid_request', state: 'xyz' });
    });

    it('a client without the authorization_code grant → unauthorized_client', () => {
      expect(checkAuthorizationRequest({ ...confidential, grant_types: ['client_credentials'] }, base)).toMatchObject({
        kind: 'redirect',
        error: 'unauthorized_client',
      });
    });

    it('a state with a CR or LF (outside RFC 6749 A.5 VSCHAR) is refused and not echoed', () => {
      expect(checkAuthorizationRequest(confidential, { ...base, state: 'a\r\nSet-Cookie: x=1' })).toMatchObject({
        kind: 'redirect',
        error: 'invalid_request',
        state: undefined,
      });
    });

    it('a repeated state is not echoed', () => {
      expect(checkAuthorizationRequest(confidential, { ...base, state: ['a', 'b'] })).toMatchObject({
        kind: 'redirect',
        error: 'invalid_request',
        state: undefined,
      });
    });
  });
});

describe('redirects', () => {
  it('add the response parameters and keep the registered query', () => {
    expect(redirectWith('https://app.example/cb?tenant=1', { code: 'c', state: 's t', iss: 'https://as.example', nonce: undefined })).toBe(
      'https://app.example/cb?tenant=1&code=c&state=s+t&iss=https%3A%2F%2Fas.example',
    );
  });

  it('carry error, error_description, state and iss', () => {
    const url = new URL(
      errorRedirect(
        { kind: 'redirect', redirectUri: 'https://app.example/cb', error: 'access_denied', description: 'The user said no.', state: 'xyz' },
        'https://as.example',
      ),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The user said no.',
      state: 'xyz',
      iss: 'https://as.example',
    });
  });
});
