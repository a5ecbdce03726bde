import { sign, type KeyObject } from 'node:crypto';

/**
 * The base64url protected header of an access token signed by `kid` (RFC 9068 §2.1: `typ: at+jwt`),
 * encoded once per key rather than once per token.
 */
export function accessTokenHeader(alg: 'ES256', kid: string): string {
  return Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid })).toString('base64url');
}

/**
 * An ES256 compact JWS (RFC 7515 §7.1) over `claims`, signed synchronously with node:crypto. jose's
 * `SignJWT` goes through WebCrypto, which hops to the libuv thread pool for every signature and cost
 * about three times as much per token; verification stays jose's. `ieee-p1363` is JWS's R||S form
 * (RFC 7518 §3.4), not DER.
 */
export function signCompactEs256(encodedHeader: string, claims: object, key: KeyObject): string {
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input, 'latin1'), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
