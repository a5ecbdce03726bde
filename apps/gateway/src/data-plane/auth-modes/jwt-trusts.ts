import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { parseJwtSource, type ApiDefinition, type JwtIssuer, type JwtSigningMethod } from '@portcullis/domain';
import type { Credentials } from '../credentials/credentials.js';
import type { Trust } from './jwt-verifier.js';

const families: Record<string, readonly string[]> = {
  hmac: ['HS256', 'HS384', 'HS512'],
  rsa: ['RS256', 'RS384', 'RS512'],
  ecdsa: ['ES256', 'ES384', 'ES512'],
};

/** The JWS algorithms a Tyk signing method (or one named algorithm) pins. */
export function algorithmsOf(methods: readonly JwtSigningMethod[]): Set<string> {
  return new Set(methods.flatMap((method) => families[method] ?? [method]));
}

const isSymmetric = (alg: string) => alg.startsWith('HS');

/**
 * The trusts of an API: its `jwt_source` (one, issuer unchecked unless found by discovery) and each
 * of its `jwt_issuers`. Throws for a configuration that would mix key types: an HS secret is never
 * used as a public key and a public key never as an HS secret (the classic confusion attack).
 */
export function compileTrusts(api: ApiDefinition, credentials: Credentials): Trust[] {
  const trusts: Trust[] = [];
  if (api.jwt_source !== undefined && api.jwt_signing_method !== undefined) {
    const algorithms = algorithmsOf([api.jwt_signing_method]);
    const symmetric = [...algorithms].every(isSymmetric);
    if (!symmetric && [...algorithms].some(isSymmetric)) throw new Error('jwt_signing_method mixes HMAC and public-key algorithms');
    const source = parseJwtSource(api.jwt_source);
    if (source.kind === 'secret') {
      if (!symmetric) throw new Error('jwt_source is not a public key, a PEM or a URL, but jwt_signing_method needs one');
      trusts.push({ issuer: null, audiences: null, algorithms, key: createSecretKey(source.secret), jwks: null, ready: null });
    } else if (symmetric) {
      throw new Error('jwt_signing_method hmac needs a shared secret in jwt_source, not a public key or URL');
    } else if (source.kind === 'pem') {
      const key: KeyObject = createPublicKey(source.pem);
      trusts.push({ issuer: null, audiences: null, algorithms, key, jwks: null, ready: null });
    } else {
      trusts.push(urlTrust(source.url, algorithms, credentials));
    }
  }
  for (const issuer of api.jwt_issuers ?? []) trusts.push(issuerTrust(issuer, credentials));
  return trusts;
}

/**
 * A URL in `jwt_source`: an OpenID discovery document (or an issuer, when the URL names
 * `/.well-known/`), whose `issuer` is then required; anything else is taken as a JWKS (Tyk).
 */
function urlTrust(url: string, algorithms: Set<string>, credentials: Credentials): Trust {
  if (!url.includes('/.well-known/openid-configuration')) {
    return { issuer: null, audiences: null, algorithms, key: null, jwks: credentials.jwksAt(url), ready: null };
  }
  const trust: Trust = { issuer: null, audiences: null, algorithms, key: null, jwks: null, ready: null };
  trust.ready = () =>
    credentials.discover(url).then((provider) => {
      trust.issuer = provider.issuer;
      trust.jwks = credentials.jwksAt(provider.jwksUri);
      trust.ready = null;
    });
  return trust;
}

function issuerTrust(issuer: JwtIssuer, credentials: Credentials): Trust {
  const algorithms = algorithmsOf(issuer.signing_methods);
  if ([...algorithms].some(isSymmetric)) throw new Error(`issuer ${issuer.issuer}: a JWKS holds public keys; HMAC is not allowed`);
  const audiences = issuer.audiences ?? null;
  if (issuer.jwks_uri !== undefined) {
    return { issuer: issuer.issuer, audiences, algorithms, key: null, jwks: credentials.jwksAt(issuer.jwks_uri), ready: null };
  }
  const trust: Trust = { issuer: issuer.issuer, audiences, algorithms, key: null, jwks: null, ready: null };
  trust.ready = () =>
    credentials.discover(issuer.discovery_url ?? issuer.issuer).then((provider) => {
      if (provider.issuer !== issuer.issuer) throw new Error(`discovery names issuer ${provider.issuer}, not ${issuer.issuer}`);
      trust.jwks = credentials.jwksAt(provider.jwksUri);
      trust.ready = null;
    });
  return trust;
}
