import { standardClaimNames, type StandardClaims } from '@portcullis/domain';

/** What a user holds that can be told about them: the standard claims an admin set, and the account. */
export interface ClaimsSource {
  id: string;
  username: string;
  claims: StandardClaims;
  updatedAt: Date;
}

/** OIDC Core §5.4: the claims each scope asks for. */
export const scopeClaims: Readonly<Record<string, readonly string[]>> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** The scopes with claims behind them, for discovery's scopes_supported. */
export const claimScopes = Object.keys(scopeClaims);

/** Every claim a user can be described by: what the `claims` parameter may name. */
export const servableClaims: ReadonlySet<string> = new Set(['sub', ...standardClaimNames, 'updated_at']);

/** The claims an ID Token carries of itself (OIDC Core §2); `azp` never, `aud` being the one client. */
export const idTokenClaimNames = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'at_hash'] as const;

/** What this server serves, between the ID Token and userinfo: discovery's claims_supported. */
export const supportedClaims: readonly string[] = [...new Set([...idTokenClaimNames, ...servableClaims])];

/** The claim names a set of granted scopes asks for (OIDC Core §5.4). */
export function claimsOfScopes(scopes: Iterable<string>): string[] {
  return [...scopes].flatMap((scope) => (Object.hasOwn(scopeClaims, scope) ? scopeClaims[scope]! : []));
}

/**
 * The named claims the user holds; only those (a claim without a value is left out, never null, OIDC
 * Core §5.3.2). `sub` is always told. `preferred_username` is the username unless one was set;
 * `updated_at` is when the user's claims last changed, in seconds.
 */
export function userClaims(user: ClaimsSource, names: Iterable<string>): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  const held: Record<string, unknown> = { preferred_username: user.username, ...user.claims, updated_at: Math.floor(user.updatedAt.getTime() / 1000) };
  for (const name of names) {
    if (name !== 'sub' && servableClaims.has(name) && held[name] !== undefined) claims[name] = held[name];
  }
  return claims;
}
