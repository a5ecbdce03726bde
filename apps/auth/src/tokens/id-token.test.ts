import { describe, expect, it } from 'vitest';
import { atHash, idTokenClaims } from './id-token.js';

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
      nonce: 'n-0S6_WzA2Mj',
      at_hash: atHash('access'),
    });
    const overTheBus = idTokenClaims({ ...base, authTime: null });
    expect(overTheBus).not.toHaveProperty('auth_time');
    expect(overTheBus).not.toHaveProperty('amr');
    expect(overTheBus).not.toHaveProperty('nonce');
  });
});
