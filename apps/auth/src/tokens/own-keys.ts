import type { SigningKeys } from '../keys/signing-keys.service.js';

/** Three base64url parts: anything else is not worth handing to jose. */
export const looksLikeJwt = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** jose's key lookup over this service's published keys: a token without a kid, or with one we do not publish, is refused. */
export function ownKeyResolver(keys: SigningKeys) {
  return (header: { kid?: string }) => {
    const key = header.kid === undefined ? undefined : keys.verificationKey(header.kid);
    if (!key) throw new Error('unknown kid');
    return key;
  };
}
