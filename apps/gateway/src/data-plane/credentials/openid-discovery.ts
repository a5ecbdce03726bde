/** What we need of an OpenID provider's `/.well-known/openid-configuration`. */
export interface DiscoveredProvider {
  readonly issuer: string;
  readonly jwksUri: string;
}

/** The discovery document address of an issuer (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrlOf(issuerOrUrl: string): string {
  if (issuerOrUrl.includes('/.well-known/')) return issuerOrUrl;
  return `${issuerOrUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** Validates a fetched discovery document; throws on anything we cannot use. */
export function parseDiscovery(document: unknown): DiscoveredProvider {
  const doc = document as { issuer?: unknown; jwks_uri?: unknown } | null;
  if (doc === null || typeof doc !== 'object' || typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string') {
    throw new Error('discovery document lacks issuer or jwks_uri');
  }
  const jwks = new URL(doc.jwks_uri);
  if (jwks.protocol !== 'https:' && jwks.protocol !== 'http:') throw new Error('jwks_uri is not http(s)');
  return { issuer: doc.issuer, jwksUri: doc.jwks_uri };
}
