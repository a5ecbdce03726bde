import { describe, expect, it } from 'vitest';
import { censorSecrets, isSecretField, REDACTED, SECRET_FIELDS } from './secret-fields.js';

describe('the secret fields list', () => {
  it('names every secret-bearing field of the code base (a removal fails here)', () => {
    // Request bodies and headers, records, bus payloads and configuration that carry a secret.
    const required = [
      'authorization',
      'proxy-authorization',
      'x-tyk-authorization',
      'x-tyk-shared-secret',
      'cookie',
      'set-cookie',
      'password',
      'new_password',
      'password_hash',
      'secret',
      'client_secret',
      'consumer_secret',
      'token_secret',
      'oauth_token_secret',
      'shared_secret',
      'admin_secret',
      'secret_hash',
      'jwt_source',
      'hmac_secret',
      'token',
      'access_token',
      'refresh_token',
      'id_token',
      'registration_access_token',
      'initial_access_token',
      'code',
      'code_verifier',
      'key',
      'api_key',
      'private_key',
      'oauth_signature',
      'signature',
      'csrf',
      'session',
    ];
    for (const name of required) expect(isSecretField(name), name).toBe(true);
    expect(new Set(SECRET_FIELDS).size).toBe(SECRET_FIELDS.length);
  });

  it('matches a name whatever its case or separators', () => {
    for (const name of ['clientSecret', 'Client-Secret', 'CLIENT_SECRET', 'adminSecret', 'X-Tyk-Authorization', 'registrationAccessToken', 'codeVerifier']) {
      expect(isSecretField(name), name).toBe(true);
    }
    for (const name of ['client_id', 'api_id', 'username', 'status', 'token_type', 'context', 'sqlstate', 'listen_path'])
      expect(isSecretField(name), name).toBe(false);
  });
});

describe('censorSecrets', () => {
  it('censors every listed field at the top, deep inside objects and inside arrays', () => {
    for (const name of SECRET_FIELDS) {
      const logged = { [name]: 's3cret', nested: { a: { b: { [name]: 's3cret' } } }, list: [{ [name]: 's3cret' }] };
      expect(JSON.stringify(censorSecrets(logged)), name).not.toContain('s3cret');
    }
  });

  it('keeps what is not secret, and leaves the logged object itself untouched', () => {
    const logged = { context: 'X', req: { headers: { authorization: 'Bearer abc', host: 'h' } }, body: { client_id: 'c', client_secret: 'abc' } };
    const censored = censorSecrets(logged);
    expect(censored).toEqual({ context: 'X', req: { headers: { authorization: REDACTED, host: 'h' } }, body: { client_id: 'c', client_secret: REDACTED } });
    expect(logged.req.headers.authorization).toBe('Bearer abc');
    const clean = { context: 'X', nested: { a: 1 } };
    expect(censorSecrets(clean)).toBe(clean);
  });

  it('survives cycles and stops at a depth without printing what lies below', () => {
    const cyclic: Record<string, unknown> = { password: 'pw' };
    cyclic.self = cyclic;
    expect(JSON.stringify(censorSecrets(cyclic))).not.toContain('pw');
    let deep: Record<string, unknown> = { secret: 'deep-secret' };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(censorSecrets(deep))).not.toContain('deep-secret');
  });
});
