import type { Bus } from '@portcullis/bus';
import { isOpaqueAccessTokenShape } from '@portcullis/contracts';
import type { OAuthClient } from '@portcullis/domain';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, errors, exportJWK, jwtVerify, type JWK } from 'jose';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../config.js';
import { Issuer } from '../issuer.js';
import { accessTokenHeader } from '../keys/compact-jws.js';
import type { SigningKeys } from '../keys/signing-keys.service.js';
import type { AccessTokenRecord } from '../storage/access-token.entity.js';
import { TokenIssuer } from './token-issuer.js';
import type { TokenStore } from '../storage/token-store.js';
import type { UserStore } from '../storage/user-store.js';

const issuerUrl = 'https://auth.example';

async function setUp() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk: JWK = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const keys = { signingKey: () => ({ kid, key: privateKey, header: accessTokenHeader('ES256', kid) }) } as unknown as SigningKeys;
  const recorded: AccessTokenRecord[] = [];
  const store = { recordIssued: async (access: AccessTokenRecord) => void recorded.push(access) } as unknown as TokenStore;
  const published: { subject: string; payload: unknown }[] = [];
  const bus = { publish: async (subject: string, payload: unknown) => void published.push({ subject, payload }) } as unknown as Bus;
  const config = { oauth: { accessTokenTtl: 3600, refreshTokenTtl: 1209600 } } as unknown as AuthConfig;
  const tokens = new TokenIssuer(keys, store, new Issuer(issuerUrl), bus, config, {} as unknown as UserStore);
  const jwks = createLocalJWKSet({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] });
  return { tokens, jwks, kid, recorded, published };
}

const client = { client_id: 'app-1', policy_ids: ['gold'], scope: 'read write' } as unknown as OAuthClient;

describe('TokenIssuer', () => {
  it('signs RFC 9068 access tokens that jose verifies against the JWKS (ES256, typ at+jwt, kid, claims)', async () => {
    const { tokens, jwks, kid, recorded } = await setUp();
    const before = Math.floor(Date.now() / 1000);
    const response = await tokens.issue({ client, sub: 'app-1', scope: 'read', apiIds: ['orders'], withRefresh: false });
    const { payload, protectedHeader } = await jwtVerify(response.access_token, jwks, {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: issuerUrl,
      audience: 'orders',
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
    expect(payload).toEqual({
      client_id: 'app-1',
      jti: recorded[0]!.jti,
      pol: ['gold'],
      scope: 'read',
      iss: issuerUrl,
      sub: 'app-1',
      aud: 'orders',
      iat: payload.iat,
      exp: payload.iat! + 3600,
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(response).toEqual({ access_token: response.access_token, token_type: 'Bearer', expires_in: 3600, scope: 'read' });
  });

  it('names the client as aud without APIs, all of them with several, and leaves out an empty scope', async () => {
    const { tokens, jwks } = await setUp();
    const alone = await tokens.issue({ client, sub: 'app-1', scope: '', apiIds: [], withRefresh: false });
    const { payload } = await jwtVerify(alone.access_token, jwks, { typ: 'at+jwt' });
    expect(payload.aud).toBe('app-1');
    expect(payload).not.toHaveProperty('scope');
    expect(alone).not.toHaveProperty('scope');
    const several = await tokens.issue({ client, sub: 'app-1', scope: 'read', apiIds: ['a', 'b'], withRefresh: false });
    expect((await jwtVerify(several.access_token, jwks)).payload.aud).toEqual(['a', 'b']);
  });

  it('signs every token afresh (new jti, a valid signature each time) and records and announces each', async () => {
    const { tokens, jwks, recorded, published } = await setUp();
    const issued = await Promise.all([1, 2, 3].map(() => tokens.issue({ client, sub: 'app-1', scope: 'read', apiIds: [], withRefresh: false })));
    const jtis = await Promise.all(issued.map(async (token) => (await jwtVerify(token.access_token, jwks)).payload.jti));
    expect(new Set(jtis).size).toBe(3);
    expect(recorded.map((record) => record.jti)).toEqual(jtis);
    await expect.poll(() => published.length).toBe(3);
    expect(published.map((event) => (event.payload as { jti: string }).jti)).toEqual(jtis);
  });

  it('is refused by jose once a byte of the signature changes', async () => {
    const { tokens, jwks } = await setUp();
    const { access_token: token } = await tokens.issue({ client, sub: 'app-1', scope: 'read', apiIds: [], withRefresh: false });
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    const tampered = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    await expect(jwtVerify(tampered, jwks)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('gives a client that asks for opaque tokens a random token, not a JWT, and keeps only its SHA-256 with the claims', async () => {
    const { tokens, recorded, published } = await setUp();
    const opaqueClient = { ...client, access_token_format: 'opaque' } as OAuthClient;
    const response = await tokens.issue({ client: opaqueClient, sub: 'app-1', scope: 'read', apiIds: ['orders'], withRefresh: false });
    expect(response.access_token).toMatch(/^pcat_[A-Za-z0-9_-]{43}$/);
    expect(isOpaqueAccessTokenShape(response.access_token)).toBe(true);
    expect(() => decodeProtectedHeader(response.access_token)).toThrow(new TypeError('Invalid Token or Protected Header formatting'));
    expect(response).toEqual({ access_token: response.access_token, token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    const [record] = recorded;
    expect(record).toMatchObject({ clientId: 'app-1', sub: 'app-1', scope: 'read', apiIds: ['orders'], policyIds: ['gold'], kid: null });
    expect(record!.tokenHash).toEqual(createHash('sha256').update(response.access_token).digest());
    expect(JSON.stringify(record)).not.toContain(response.access_token.slice(5));
    await expect.poll(() => published.length).toBe(1);
    expect(published[0]!.payload).toMatchObject({ jti: record!.jti, client_id: 'app-1', api_ids: ['orders'] });
    const again = await tokens.issue({ client: opaqueClient, sub: 'app-1', scope: 'read', apiIds: ['orders'], withRefresh: false });
    expect(again.access_token).not.toBe(response.access_token);
  });

  it("records the JWT client's policies and key, and no token hash (a JWT is found by its jti)", async () => {
    const { tokens, recorded, kid } = await setUp();
    await tokens.issue({ client, sub: 'app-1', scope: 'read', apiIds: ['orders'], withRefresh: false });
    expect(recorded[0]).toMatchObject({ kid, tokenHash: null, policyIds: ['gold'] });
  });
});
