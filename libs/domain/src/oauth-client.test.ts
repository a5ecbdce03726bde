import { describe, expect, it } from 'vitest';
import { validateOAuthClientInput } from './oauth-client.js';

describe('validateOAuthClientInput', () => {
  it('defaults a confidential client without redirect URIs to client_credentials', () => {
    const result = validateOAuthClientInput({ api_ids: ['openApi'], policy_ids: ['openApi'] });
    expect(result.ok && result.value).toMatchObject({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [],
      scope: '',
    });
  });

  it('gives a public client the code flow and refuses it a secret or client_credentials', () => {
    expect(validateOAuthClientInput({ token_endpoint_auth_method: 'none', redirect_uris: ['https://app.example/cb'] })).toMatchObject({
      ok: true,
      value: { grant_types: ['authorization_code', 'refresh_token'] },
    });
    const result = validateOAuthClientInput({
      token_endpoint_auth_method: 'none',
      client_secret: 'x'.repeat(40),
      grant_types: ['client_credentials'],
      redirect_uris: ['https://app.example/cb'],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(['client_secret', 'grant_types']);
  });

  it('requires redirect URIs for the code flow and refuses fragments, short secrets and unknown fields', () => {
    const result = validateOAuthClientInput({
      grant_types: ['authorization_code'],
      client_secret: 'short',
      surprise: true,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['client_secret', '(body)']));
    const withFragment = validateOAuthClientInput({ redirect_uris: ['https://app.example/cb#x'] });
    expect(withFragment.ok).toBe(false);
  });

  it('refuses a malformed scope and non-object bodies', () => {
    expect(validateOAuthClientInput({ scope: 'read "write"' }).ok).toBe(false);
    expect(validateOAuthClientInput([]).ok).toBe(false);
  });

  it('issues JWT access tokens unless the client asks for opaque ones, and knows no third format', () => {
    expect(validateOAuthClientInput({})).toMatchObject({ ok: true, value: { access_token_format: 'jwt' } });
    expect(validateOAuthClientInput({ access_token_format: 'opaque' })).toMatchObject({ ok: true, value: { access_token_format: 'opaque' } });
    const result = validateOAuthClientInput({ access_token_format: 'reference' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(['access_token_format']);
  });
});
