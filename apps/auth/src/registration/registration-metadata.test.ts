import type { OAuthClient } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { mapRegistrationMetadata, registrationErrorFrom, registrationMetadataOf } from './registration-metadata.js';

const grant = { apiIds: ['orders'], policyIds: ['gold'] };

describe('mapRegistrationMetadata', () => {
  it('applies the RFC 7591 defaults and the initial access token grant', () => {
    expect(mapRegistrationMetadata({ redirect_uris: ['https://app.example/cb'] }, grant)).toEqual({
      ok: true,
      input: {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        api_ids: ['orders'],
        policy_ids: ['gold'],
        meta: { rfc7591: {} },
      },
    });
  });

  it('keeps name, scope and informational metadata; ignores what it does not understand or the client may not choose', () => {
    const mapped = mapRegistrationMetadata(
      {
        redirect_uris: ['https://app.example/cb'],
        client_name: 'My App',
        scope: 'read write',
        client_uri: 'https://app.example',
        contacts: ['ops@app.example'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        client_id: 'chosen',
        client_secret: 'chosen-secret-chosen-secret-chosen-secret',
        api_ids: ['admin'],
        policy_ids: ['everything'],
        'client_name#fr': 'Mon appli',
        id_token_signed_response_alg: 'RS256',
      },
      grant,
    );
    expect(mapped).toEqual({
      ok: true,
      input: {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        api_ids: ['orders'],
        policy_ids: ['gold'],
        client_name: 'My App',
        scope: 'read write',
        meta: { rfc7591: { client_uri: 'https://app.example', contacts: ['ops@app.example'] } },
        id_token_signed_response_alg: 'RS256',
      },
    });
  });

  it.each([
    ['a body that is not an object', [], 'invalid_client_metadata'],
    ['private_key_jwt', { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    ['the implicit grant', { redirect_uris: ['https://a.example/cb'], grant_types: ['implicit'], response_types: ['token'] }, 'invalid_client_metadata'],
    ['the password grant (admins only)', { grant_types: ['password'], response_types: [] }, 'invalid_client_metadata'],
    ['response_types token', { redirect_uris: ['https://a.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    ['response_types code without the authorization_code grant', { grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
    ['no redirect URIs for the code grant', {}, 'invalid_redirect_uri'],
    ['redirect_uris that are not strings', { redirect_uris: [1] }, 'invalid_redirect_uri'],
    ['a logo_uri that is not a web URL', { redirect_uris: ['https://a.example/cb'], logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
    ['a software statement', { redirect_uris: ['https://a.example/cb'], software_statement: 'eyJ...' }, 'invalid_software_statement'],
    [
      'an access token format we do not issue',
      { grant_types: ['client_credentials'], response_types: [], access_token_format: 'paseto' },
      'invalid_client_metadata',
    ],
    ['ID Tokens signed with none', { redirect_uris: ['https://a.example/cb'], id_token_signed_response_alg: 'none' }, 'invalid_client_metadata'],
    ['ID Tokens signed with HS256', { redirect_uris: ['https://a.example/cb'], id_token_signed_response_alg: 'HS256' }, 'invalid_client_metadata'],
    ['an alg that is not a string', { redirect_uris: ['https://a.example/cb'], id_token_signed_response_alg: ['ES256'] }, 'invalid_client_metadata'],
    ['pairwise subjects', { redirect_uris: ['https://a.example/cb'], subject_type: 'pairwise' }, 'invalid_client_metadata'],
    ['signed userinfo answers', { redirect_uris: ['https://a.example/cb'], userinfo_signed_response_alg: 'RS256' }, 'invalid_client_metadata'],
    ['encrypted ID Tokens', { redirect_uris: ['https://a.example/cb'], id_token_encrypted_response_alg: 'RSA-OAEP' }, 'invalid_client_metadata'],
  ])('refuses %s', (_label, body, error) => {
    expect(mapRegistrationMetadata(body, grant)).toMatchObject({ ok: false, error });
  });

  it('passes a requested opaque access token format on', () => {
    expect(mapRegistrationMetadata({ grant_types: ['client_credentials'], response_types: [], access_token_format: 'opaque' }, grant)).toMatchObject({
      ok: true,
      input: { access_token_format: 'opaque' },
    });
    expect((mapRegistrationMetadata({ grant_types: ['client_credentials'], response_types: [] }, grant) as { input: object }).input).not.toHaveProperty(
      'access_token_format',
    );
  });

  it('passes ES256 ID Tokens on, and accepts public subjects', () => {
    expect(
      mapRegistrationMetadata({ redirect_uris: ['https://a.example/cb'], id_token_signed_response_alg: 'ES256', subject_type: 'public' }, grant),
    ).toMatchObject({ ok: true, input: { id_token_signed_response_alg: 'ES256' } });
  });

  it('allows a client_credentials-only client without redirect URIs', () => {
    expect(mapRegistrationMetadata({ grant_types: ['client_credentials'], response_types: [] }, grant)).toMatchObject({
      ok: true,
      input: { grant_types: ['client_credentials'], redirect_uris: [] },
    });
  });
});

describe('registrationErrorFrom', () => {
  it('names redirect URI problems invalid_redirect_uri, the rest invalid_client_metadata', () => {
    expect(
      registrationErrorFrom([
        { field: 'redirect_uris.0', message: 'must be an absolute URI without a fragment' },
        { field: 'scope', message: 'bad' },
      ]),
    ).toEqual({
      error: 'invalid_redirect_uri',
      description: 'redirect_uris.0: must be an absolute URI without a fragment',
    });
    expect(registrationErrorFrom([{ field: 'scope', message: 'must be space-separated scope tokens' }])).toEqual({
      error: 'invalid_client_metadata',
      description: 'scope: must be space-separated scope tokens',
    });
  });
});

describe('registrationMetadataOf', () => {
  it('shows the client in RFC 7591 names, with the informational metadata and no platform internals', () => {
    const client: OAuthClient = {
      client_id: 'c1',
      client_name: 'My App',
      redirect_uris: ['https://app.example/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
      access_token_format: 'jwt',
      scope: 'read',
      api_ids: ['orders'],
      policy_ids: ['gold'],
      meta: { rfc7591: { client_uri: 'https://app.example' } },
      created_at: '2026-11-23T10:00:00.000Z',
      updated_at: '2026-11-23T10:00:00.000Z',
    };
    expect(registrationMetadataOf(client)).toEqual({
      client_id: 'c1',
      client_id_issued_at: 1795428000,
      client_name: 'My App',
      redirect_uris: ['https://app.example/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      access_token_format: 'jwt',
      // OIDC DCR §2's defaults, shown as they apply.
      id_token_signed_response_alg: 'RS256',
      subject_type: 'public',
      scope: 'read',
      client_uri: 'https://app.example',
    });
  });
});
