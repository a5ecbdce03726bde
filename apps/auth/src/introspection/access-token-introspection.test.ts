import type { Bus } from '@portcullis/bus';
import type { OAuthClient } from '@portcullis/domain';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../config.js';
import { Issuer } from '../issuer.js';
import { accessTokenHeader } from '../keys/compact-jws.js';
import type { SigningKeys } from '../keys/signing-keys.service.js';
import type { AccessTokenRecord } from '../storage/access-token.entity.js';
import type { RefreshTokenRecord } from '../storage/refresh-token.entity.js';
import { AccessTokenCache } from '../tokens/access-token-cache.js';
import { AccessTokenVerifier } from '../tokens/access-token-verifier.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import { TokenLookup } from '../tokens/token-lookup.js';
import type { TokenStore } from '../storage/token-store.js';
import type { UserStore } from '../storage/user-store.js';
import { AccessTokenIntrospection } from './access-token-introspection.js';

const issuerUrl = 'https://auth.example';

/** The issuer, lookup and introspection as the service wires them, over an in-memory store. */
function setUp() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'k1';
  // A key's retirement grace running out drops it: `published: false`.
  const keyState = { published: true };
  const keys = {
    signingKey: () => ({ kid, key: privateKey, header: accessTokenHeader('ES256', kid) }),
    verificationKey: (wanted: string) => (keyState.published && wanted === kid ? publicKey : undefined),
  } as unknown as SigningKeys;
  const access: AccessTokenRecord[] = [];
  const refresh: RefreshTokenRecord[] = [];
  const store = {
    recordIssued: async (a: AccessTokenRecord, r: RefreshTokenRecord | null) => {
      access.push(a);
      if (r) refresh.push(r);
    },
    findAccess: async (jti: string) => access.find((a) => a.jti === jti) ?? null,
    findAccessByHash: async (hash: Buffer) => access.find((a) => a.tokenHash?.equals(hash)) ?? null,
    findRefresh: async (hash: Buffer) => refresh.find((r) => r.tokenHash.equals(hash)) ?? null,
  } as unknown as TokenStore;
  const bus = { publish: async () => undefined } as unknown as Bus;
  const config = { oauth: { accessTokenTtl: 3600, refreshTokenTtl: 1209600 } } as unknown as AuthConfig;
  const issuer = new Issuer(issuerUrl);
  const tokens = new TokenIssuer(keys, store, issuer, bus, config, {} as unknown as UserStore);
  const lookup = new TokenLookup(new AccessTokenVerifier(keys, issuer), store, issuer, new AccessTokenCache());
  return { tokens, lookup, introspection: new AccessTokenIntrospection(lookup), access, keyState };
}

const opaque = { client_id: 'app-1', policy_ids: ['gold', 'silver'], scope: 'read write', access_token_format: 'opaque' } as unknown as OAuthClient;
const jwtClient = { ...opaque, access_token_format: 'jwt' } as OAuthClient;

describe('auth.tokens.introspect', () => {
  it('answers what an opaque token grants: client, subject, scope, APIs as aud, policies as pol, issuer, times', async () => {
    const { tokens, introspection, access } = setUp();
    const { access_token: token } = await tokens.issue({ client: opaque, sub: 'ada', scope: 'read', apiIds: ['orders'], withRefresh: false });
    const answer = await introspection.introspect({ token });
    const iat = Math.floor(access[0]!.iat.getTime() / 1000);
    expect(answer).toEqual({
      active: true,
      jti: access[0]!.jti,
      client_id: 'app-1',
      sub: 'ada',
      scope: 'read',
      aud: ['orders'],
      iss: issuerUrl,
      iat,
      exp: iat + 3600,
      pol: ['gold', 'silver'],
    });
  });

  it('names several APIs, or the client when there are none, in aud: as the JWT would', async () => {
    const { tokens, introspection } = setUp();
    const several = await tokens.issue({ client: opaque, sub: 'app-1', scope: '', apiIds: ['a', 'b'], withRefresh: false });
    expect(await introspection.introspect({ token: several.access_token })).toMatchObject({ active: true, aud: ['a', 'b'], scope: '' });
    const none = await tokens.issue({ client: opaque, sub: 'app-1', scope: '', apiIds: [], withRefresh: false });
    expect(await introspection.introspect({ token: none.access_token })).toMatchObject({ active: true, aud: ['app-1'] });
  });

  it('is inactive for a revoked or expired token, and for one we never issued', async () => {
    const { tokens, introspection, access } = setUp();
    const { access_token: token } = await tokens.issue({ client: opaque, sub: 'app-1', scope: 'read', apiIds: ['orders'], withRefresh: false });
    expect(await introspection.introspect({ token }, access[0]!.exp.getTime() - 1)).toMatchObject({ active: true });
    expect(await introspection.introspect({ token }, access[0]!.exp.getTime())).toEqual({ active: false });
    access[0]!.revokedAt = new Date();
    expect(await introspection.introspect({ token })).toEqual({ active: false });
    // Right shape, right prefix, never issued.
    expect(await introspection.introspect({ token: `pcat_${'A'.repeat(43)}` })).toEqual({ active: false });
  });

  it('is inactive for a refresh token: it is not a bearer credential', async () => {
    const { tokens, introspection } = setUp();
    const issued = await tokens.issue({ client: opaque, sub: 'ada', scope: 'read', apiIds: ['orders'], withRefresh: true });
    expect(await introspection.introspect({ token: issued.access_token })).toMatchObject({ active: true });
    expect(await introspection.introspect({ token: issued.refresh_token })).toEqual({ active: false });
  });

  it('answers for our JWT access tokens too, from their verified claims, and not for a tampered one', async () => {
    const { tokens, introspection } = setUp();
    const { access_token: token } = await tokens.issue({ client: jwtClient, sub: 'app-1', scope: 'read', apiIds: ['orders'], withRefresh: false });
    expect(await introspection.introspect({ token })).toMatchObject({ active: true, aud: ['orders'], pol: ['gold', 'silver'], iss: issuerUrl });
    const tampered = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    expect(await introspection.introspect({ token: tampered })).toEqual({ active: false });
  });

  it('answers a JWT it remembers inactive once its signing key is dropped, and once it expires', async () => {
    const { tokens, introspection, access, keyState } = setUp();
    const { access_token: token } = await tokens.issue({ client: jwtClient, sub: 'app-1', scope: 'read', apiIds: ['orders'], withRefresh: false });
    expect(await introspection.introspect({ token })).toMatchObject({ active: true });
    expect(await introspection.introspect({ token })).toMatchObject({ active: true });
    keyState.published = false;
    expect(await introspection.introspect({ token })).toEqual({ active: false });
    keyState.published = true;
    expect(await introspection.introspect({ token })).toMatchObject({ active: true });
    expect(await introspection.introspect({ token }, access[0]!.exp.getTime())).toEqual({ active: false });
  });

  it.each([
    ['no request', null],
    ['a request that is not an object', 'pcat_x'],
    ['no token', {}],
    ['a token that is not a string', { token: 42 }],
    ['an empty token', { token: '' }],
    ['a huge token', { token: 'x'.repeat(100_000) }],
    ['garbage', { token: '\u0000..\ud800' }],
    ['a JWT-looking forgery', { token: 'eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.' }],
  ])('is inactive, without throwing, for %s', async (_name, request) => {
    const { introspection } = setUp();
    await expect(introspection.introspect(request)).resolves.toEqual({ active: false });
  });
});
