import { describe, expect, it } from 'vitest';
import { normaliseListenPath, oauthMetaOf, routeKey, validateApiDefinition } from './api-definition.js';

const valid = { name: 'Orders', proxy: { listen_path: '/orders/', target_url: 'http://orders.internal:8080/v1' } };

describe('validateApiDefinition', () => {
  it('fills Tyk defaults and keeps fields it does not know', () => {
    const result = validateApiDefinition({ ...valid, version_data: { not_versioned: true }, proxy: { ...valid.proxy, transport: { x: 1 } } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      name: 'Orders',
      org_id: '',
      active: true,
      domain: '',
      use_keyless: false,
      version_data: { not_versioned: true },
      proxy: { listen_path: '/orders/', strip_listen_path: false, preserve_host_header: false, transport: { x: 1 } },
    });
  });

  it('collects every error with the field that caused it', () => {
    const result = validateApiDefinition({
      name: 42,
      active: 'yes',
      proxy: { listen_path: 'orders', target_url: 'ftp://x' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['active', 'name', 'proxy.listen_path', 'proxy.target_url']);
  });

  it('names missing required fields', () => {
    const result = validateApiDefinition({ proxy: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['name', 'proxy.listen_path', 'proxy.target_url']);
  });

  it.each([
    ['http://user:pw@host/', 'credentials'],
    ['http://host/?a=1', 'query'],
    ['not a url', 'garbage'],
    ['javascript:alert(1)', 'scheme'],
  ])('refuses target_url %s (%s)', (target_url) => {
    const result = validateApiDefinition({ ...valid, proxy: { ...valid.proxy, target_url } });
    expect(result.ok).toBe(false);
  });

  it.each(['/a/../b', '/a b', '/a?x', ''])('refuses listen_path %j', (listen_path) => {
    const result = validateApiDefinition({ ...valid, proxy: { ...valid.proxy, listen_path } });
    expect(result.ok).toBe(false);
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 3]) expect(validateApiDefinition(body).ok).toBe(false);
  });

  it('accepts a domain with a port and lower-cases it', () => {
    const result = validateApiDefinition({ ...valid, domain: 'API.Example.com:8443' });
    expect(result.ok && result.value.domain).toBe('api.example.com:8443');
    expect(validateApiDefinition({ ...valid, domain: 'bad domain' }).ok).toBe(false);
  });
});

describe('Tyk exports', () => {
  it('load with empty login redirect, empty notifications and the implicit authorize type', () => {
    const result = validateApiDefinition({
      ...valid,
      use_oauth2: true,
      oauth_meta: { allowed_access_types: ['authorization_code', 'refresh_token'], allowed_authorize_types: ['code', 'token'], auth_login_redirect: '' },
      notifications: { shared_secret: '', oauth_on_keychange_url: '' },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.oauth_meta).toMatchObject({ allowed_authorize_types: ['code', 'token'] });
    expect(result.value.oauth_meta?.auth_login_redirect).toBeUndefined();
    expect(result.value.notifications).toBeUndefined();
  });

  it('still refuses a login redirect or notification URL that is not a URL', () => {
    expect(validateApiDefinition({ ...valid, oauth_meta: { auth_login_redirect: 'login' } }).ok).toBe(false);
    expect(validateApiDefinition({ ...valid, notifications: { shared_secret: 's', oauth_on_keychange_url: 'nope' } }).ok).toBe(false);
  });
});

describe('listen path identity', () => {
  it('treats a trailing slash as the same route', () => {
    expect(normaliseListenPath('/orders/')).toBe('/orders');
    expect(normaliseListenPath('/')).toBe('/');
    expect(routeKey({ domain: '', proxy: { listen_path: '/a/' } as never })).toBe(routeKey({ domain: '', proxy: { listen_path: '/a' } as never }));
    expect(routeKey({ domain: 'x.com', proxy: { listen_path: '/a' } as never })).not.toBe(routeKey({ domain: '', proxy: { listen_path: '/a' } as never }));
  });
});

describe('OAuth settings (Tyk oauth_meta, notifications)', () => {
  const oauthApi = { ...valid, use_oauth2: true };

  it('fills oauth_meta defaults: every grant but password, code authorizations', () => {
    const result = validateApiDefinition({ ...oauthApi, oauth_meta: {} });
    expect(result.ok && result.value.oauth_meta).toEqual({
      allowed_access_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      allowed_authorize_types: ['code'],
    });
  });

  it('gives the same defaults for an API without oauth_meta', () => {
    const result = validateApiDefinition(oauthApi);
    expect(result.ok && result.value.oauth_meta).toBeUndefined();
    expect(result.ok && oauthMetaOf(result.value).allowed_access_types).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
  });

  it('keeps lifetimes, a login redirect, notifications and unknown oauth_meta fields', () => {
    const result = validateApiDefinition({
      ...oauthApi,
      oauth_meta: {
        allowed_access_types: ['client_credentials', 'password'],
        auth_login_redirect: 'https://app.example/login',
        access_token_expires_in: 600,
        refresh_token_expires_in: 86400,
        tyk_extra: 1,
      },
      notifications: { oauth_on_keychange_url: 'http://hooks.internal/keys', shared_secret: 's3cret' },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.oauth_meta).toMatchObject({
      allowed_access_types: ['client_credentials', 'password'],
      access_token_expires_in: 600,
      refresh_token_expires_in: 86400,
      tyk_extra: 1,
    });
    expect(result.value.notifications).toEqual({ oauth_on_keychange_url: 'http://hooks.internal/keys', shared_secret: 's3cret' });
  });

  it('collects every OAuth error with its field', () => {
    const result = validateApiDefinition({
      ...oauthApi,
      oauth_meta: {
        allowed_access_types: ['implicit', 'client_credentials'],
        allowed_authorize_types: ['id_token'],
        auth_login_redirect: '/login',
        access_token_expires_in: -1,
        refresh_token_expires_in: 1.5,
      },
      notifications: { oauth_on_keychange_url: 'ftp://x', shared_secret: '' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual([
      'notifications.oauth_on_keychange_url',
      'notifications.shared_secret',
      'oauth_meta.access_token_expires_in',
      'oauth_meta.allowed_access_types.0',
      'oauth_meta.allowed_authorize_types.0',
      'oauth_meta.auth_login_redirect',
      'oauth_meta.refresh_token_expires_in',
    ]);
  });

  it('refuses a repeated grant type and a notification URL with credentials', () => {
    expect(validateApiDefinition({ ...oauthApi, oauth_meta: { allowed_access_types: ['password', 'password'] } }).ok).toBe(false);
    expect(validateApiDefinition({ ...oauthApi, notifications: { oauth_on_keychange_url: 'http://u:p@h/', shared_secret: 'x' } }).ok).toBe(false);
  });
});

describe('authentication fields (Tyk names)', () => {
  it('fills defaults: key auth from the Authorization header, JWT identity from sub', () => {
    const result = validateApiDefinition({ ...valid, auth: {} });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.auth).toEqual({ auth_header_name: 'Authorization', use_param: false, use_cookie: false });
    expect(result.value).toMatchObject({
      use_basic_auth: false,
      enable_signature_checking: false,
      enable_jwt: false,
      use_oauth1: false,
      jwt_identity_base_field: 'sub',
      jwt_scope_claim_name: 'scope',
      jwt_default_policies: [],
    });
  });

  it('collects every JWT problem: no source, no pinned algorithm, hmac for a JWKS issuer', () => {
    const none = validateApiDefinition({ ...valid, enable_jwt: true });
    expect(!none.ok && none.errors.map((e) => e.field)).toEqual(['jwt_source']);
    const result = validateApiDefinition({
      ...valid,
      enable_jwt: true,
      jwt_source: 'https://idp.example/jwks',
      jwt_issuers: [{ issuer: 'https://idp.example', signing_methods: ['hmac'] }],
    });
    expect(!result.ok && result.errors.map((e) => e.field).sort()).toEqual(['jwt_issuers.0.signing_methods', 'jwt_signing_method']);
  });

  it('refuses unknown algorithms, bad header names and bad issuer URLs, all at once', () => {
    const result = validateApiDefinition({
      ...valid,
      enable_jwt: true,
      jwt_signing_method: 'none',
      jwt_source: 'x',
      auth: { auth_header_name: 'bad header' },
      hmac_allowed_algorithms: ['md5'],
      jwt_issuers: [{ issuer: 'i', jwks_uri: 'ftp://x', signing_methods: [] }],
    });
    expect(!result.ok && result.errors.map((e) => e.field).sort()).toEqual([
      'auth.auth_header_name',
      'hmac_allowed_algorithms.0',
      'jwt_issuers.0.jwks_uri',
      'jwt_issuers.0.signing_methods',
      'jwt_signing_method',
    ]);
  });

  it('refuses key confusion in jwt_source: a PEM or URL for hmac, a secret for rsa (plain or base64)', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const fields = (jwt_signing_method: string, jwt_source: string) => {
      const result = validateApiDefinition({ ...valid, enable_jwt: true, jwt_signing_method, jwt_source });
      return result.ok ? [] : result.errors.map((e) => e.field);
    };
    expect(fields('hmac', pem)).toEqual(['jwt_source']);
    expect(fields('hmac', b64('https://idp.example/jwks'))).toEqual(['jwt_source']);
    expect(fields('rsa', b64('a-shared-secret'))).toEqual(['jwt_source']);
    expect(fields('hmac', b64('a-shared-secret'))).toEqual([]);
    expect(fields('rsa', b64(pem))).toEqual([]);
    expect(fields('ecdsa', 'https://idp.example/.well-known/openid-configuration')).toEqual([]);
  });
});

describe('use_mutual_tls_auth', () => {
  const base = { name: 'Mtls', proxy: { listen_path: '/m/', target_url: 'https://m.internal' } };
  const fingerprint = 'ab'.repeat(32);

  it("takes Tyk's certificate ids (an org id and the SHA-256, or the SHA-256 alone)", () => {
    expect(validateApiDefinition({ ...base, use_mutual_tls_auth: true, client_certificates: [fingerprint, `5e9d9544a1dcd60001d0ed20${fingerprint}`] }).ok).toBe(
      true,
    );
    // Tyk's exports: off, with a null list.
    expect(validateApiDefinition({ ...base, use_mutual_tls_auth: false, client_certificates: null }).ok).toBe(true);
  });

  it('refuses, naming client_certificates, an empty list (nobody could call) and an entry that is not a fingerprint', () => {
    const empty = validateApiDefinition({ ...base, use_mutual_tls_auth: true, client_certificates: [] });
    expect(empty.ok ? [] : empty.errors.map((error) => error.field)).toEqual(['client_certificates']);
    const bad = validateApiDefinition({ ...base, use_mutual_tls_auth: true, client_certificates: [fingerprint, 'not-a-fingerprint'] });
    expect(bad.ok ? [] : bad.errors.map((error) => error.field)).toEqual(['client_certificates.1']);
  });
});

describe('certificate store fields', () => {
  const base = { name: 'certs', proxy: { listen_path: '/certs/', target_url: 'https://upstream.test' } };
  const id = `5e9d9544a1dcd60001d0ed20${'a'.repeat(64)}`;

  it('takes certificates and upstream_certificates naming ids of the store', () => {
    const result = validateApiDefinition({ ...base, certificates: [id], upstream_certificates: { '*': id, 'api.example:8443': id, '*.example': id } });
    expect(result.ok).toBe(true);
  });

  it('refuses, naming the field, an id that is no certificate id and a host that is no host', () => {
    const bad = validateApiDefinition({ ...base, certificates: ['not-an-id'], upstream_certificates: { 'a b': id } });
    expect(bad.ok).toBe(false);
    const fields = (bad as { errors: { field: string }[] }).errors.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['certificates.0', 'upstream_certificates.a b']));
  });
});

describe('pinned_public_keys', () => {
  const base = { name: 'pins', proxy: { listen_path: '/pins/', target_url: 'https://upstream.test' } };
  const id = `org${'c'.repeat(64)}`;

  it('takes comma-separated store ids per host, and refuses them with ssl_insecure_skip_verify (the check would be skipped)', () => {
    expect(validateApiDefinition({ ...base, pinned_public_keys: { '*': `${id}, ${id}` } }).ok).toBe(true);
    expect(validateApiDefinition({ ...base, pinned_public_keys: { '*': 'sha256/abc' } }).ok).toBe(false);
    const insecure = validateApiDefinition({
      ...base,
      proxy: { ...base.proxy, transport: { ssl_insecure_skip_verify: true } },
      pinned_public_keys: { '*': id },
    });
    expect(insecure.ok).toBe(false);
    expect((insecure as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain('pinned_public_keys');
    expect(
      validateApiDefinition({
        ...base,
        proxy: { ...base.proxy, transport: { ssl_insecure_skip_verify: true } },
        pinned_public_keys: { '*': id },
        certificate_pinning_disabled: true,
      }).ok,
    ).toBe(true);
  });
});
