import { createLocalJWKSet, exportJWK, jwtVerify } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idTokenHeader } from '../keys/compact-jws.js';
import { atHash, idTokenClaims, PASSWORD_ACR, signIdToken } from './id-token.js';

const base = { issuer: 'https://as.example', sub: 'user-1', clientId: 'client-1', accessToken: 'access', now: 1_000, lifetimeSeconds: 300 };

describe('ID Token claims', () => {
  it('at_hash is the left half of the SHA-256 of the access token, base64url (OIDC Core §3.1.3.6)', () => {
    // The example in OIDC Core Appendix A.3.
    expect(atHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
    expect(atHash('x')).toHaveLength(22);
  });

  it('says when and how the user signed in, and echoes the nonce, only when they are known', () => {
    const signedIn = idTokenClaims({ ...base, authTime: new Date(900_500), nonce: 'n-0S6_WzA2Mj' });
    expect(signedIn).toEqual({
      iss: 'https://as.example',
      sub: 'user-1',
      aud: 'client-1',
      iat: 1_000,
      exp: 1_300,
      auth_time: 900,
      amr: ['pwd'],
      acr: PASSWORD_ACR,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: atHash('access'),
    });
    const overTheBus = idTokenClaims({ ...base, authTime: null });
    expect(overTheBus).not.toHaveProperty('auth_time');
    expect(overTheBus).not.toHaveProperty('amr');
    expect(overTheBus).not.toHaveProperty('nonce');
    expect(overTheBus).not.toHaveProperty('acr');
  });

  it('carries the user claims asked for by name, never in place of its own', () => {
    const claims = idTokenClaims({ ...base, authTime: null, userClaims: { email: 'o@example.com', sub: 'someone-else', iss: 'https://evil.example' } });
    expect(claims).toMatchObject({ email: 'o@example.com', sub: 'user-1', iss: 'https://as.example' });
  });

  it.each([
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ] as const)('signs with %s, and jose verifies it against the public key', async (alg, generate) => {
    const { privateKey, publicKey } = generate();
    const token = signIdToken({ ...base, now: Math.floor(Date.now() / 1000), authTime: null }, { idTokenHeader: idTokenHeader(alg, 'k1'), key: privateKey });
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg, use: 'sig' }] });
    const { protectedHeader, payload } = await jwtVerify(token, jwks, { algorithms: [alg], issuer: 'https://as.example', audience: 'client-1', typ: 'JWT' });
    expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: 'k1' });
    expect(payload.sub).toBe('user-1');
  });
});
