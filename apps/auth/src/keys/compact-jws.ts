import { sign, type KeyObject } from 'node:crypto';

/** The JWS algorithms this service signs with: ES256 for everything, RS256 for ID Tokens (OIDC Core §15.1 makes it mandatory). */
export type SigningAlg = 'ES256' | 'RS256';

/**
 * The base64url protected header of an access token signed by `kid` (RFC 9068 §2.1: `typ: at+jwt`),
 * encoded once per key rather than once per token.
 */
export function accessTokenHeader(alg: 'ES256', kid: string): string {
  return encodedHeader({ alg, typ: 'at+jwt', kid });
}

/** The protected header of an ID Token: a plain JWT (`typ` is not at+jwt, so it cannot pass as an access token). */
export function idTokenHeader(alg: SigningAlg, kid: string): string {
  return encodedHeader({ alg, typ: 'JWT', kid });
}

function encodedHeader(header: Record<string, string>): string {
  return Buffer.from(JSON.stringify(header)).toString('base64url');
}

/**
 * A compact JWS (RFC 7515 §7.1) over `claims`, signed synchronously with node:crypto: ES256 or RS256,
 * whichever the key is. jose's `SignJWT` goes through WebCrypto, which hops to the libuv thread pool
 * for every signature and cost about three times as much per token; verification stays jose's. For EC
 * keys `ieee-p1363` is JWS's R||S form (RFC 7518 §3.4), not DER; an RSA key signs RSASSA-PKCS1-v1_5
 * (RFC 7518 §3.3), node's default for RSA.
 */
export function signCompact(encodedHeader: string, claims: object, key: KeyObject): string {
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const options = key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  const signature = sign('sha256', Buffer.from(input, 'latin1'), options);
  return `${input}.${signature.toString('base64url')}`;
}
