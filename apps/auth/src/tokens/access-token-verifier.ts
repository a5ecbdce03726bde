import { Injectable } from '@nestjs/common';
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Issuer } from '../issuer.js';
import { looksLikeJwt, ownKeyResolver } from './own-keys.js';
import { SIGNING_ALG, SigningKeys } from '../keys/signing-keys.service.js';

/**
 * Checks a JWT access token against this service's own keys: ES256 only (so `alg: none` and HS256
 * made with the public key as the secret are refused before any key is used), `typ: at+jwt`, our
 * issuer, not expired. Revocation is the caller's check (the database knows it).
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly getKey: JWTVerifyGetKey;

  constructor(
    private readonly keys: SigningKeys,
    private readonly issuer: Issuer,
  ) {
    this.getKey = ownKeyResolver(keys);
  }

  /** Whether a key of this kid still verifies tokens (published, not dropped after its retirement). */
  publishes(kid: string): boolean {
    return this.keys.verificationKey(kid) !== undefined;
  }

  /** The verified claims, or null for anything that is not a valid access token of ours. */
  async verify(token: string): Promise<(JWTPayload & { jti: string; client_id: string }) | null> {
    if (!looksLikeJwt.test(token)) return null;
    try {
      const { payload } = await jwtVerify(token, this.getKey, { algorithms: [SIGNING_ALG], typ: 'at+jwt', issuer: this.issuer.value });
      if (typeof payload.jti !== 'string' || typeof payload.client_id !== 'string') return null;
      return payload as JWTPayload & { jti: string; client_id: string };
    } catch {
      return null;
    }
  }
}
