import { describe, expect, it } from 'vitest';
import { claimsOfScopes, supportedClaims, userClaims, type ClaimsSource } from './served-claims.js';

const user: ClaimsSource = {
  id: '6b1f0c2e-0000-4000-8000-000000000001',
  username: 'olivia',
  claims: { given_name: 'Olivia', email: 'olivia@example.com', email_verified: true, address: { country: 'FR' } },
  updatedAt: new Date(1_700_000_000_500),
};

describe('claims served about a user', () => {
  it('by scope (OIDC Core §5.4): only those the user holds, and sub always', () => {
    expect(userClaims(user, claimsOfScopes(['openid', 'profile']))).toEqual({
      sub: user.id,
      given_name: 'Olivia',
      preferred_username: 'olivia',
      updated_at: 1_700_000_000,
    });
    expect(userClaims(user, claimsOfScopes(['email', 'address', 'phone']))).toEqual({
      sub: user.id,
      email: 'olivia@example.com',
      email_verified: true,
      address: { country: 'FR' },
    });
    expect(userClaims(user, claimsOfScopes(['openid']))).toEqual({ sub: user.id });
    // A scope named after an Object.prototype member is no scope of ours.
    expect(claimsOfScopes(['constructor', 'toString', '__proto__'])).toEqual([]);
  });

  it('prefers a preferred_username that was set to the username, and tells nothing it does not know of', () => {
    expect(userClaims({ ...user, claims: { preferred_username: 'liv' } }, ['preferred_username', 'password', 'iss'])).toEqual({
      sub: user.id,
      preferred_username: 'liv',
    });
  });

  it('advertises every standard claim and the ID Token claims, nothing twice', () => {
    expect(supportedClaims).toEqual(expect.arrayContaining(['sub', 'acr', 'at_hash', 'name', 'email_verified', 'address', 'phone_number', 'updated_at']));
    expect(new Set(supportedClaims).size).toBe(supportedClaims.length);
  });
});
