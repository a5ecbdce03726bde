import { Injectable } from '@nestjs/common';
import { compactVerify, type CompactVerifyGetKey } from 'jose';
import { Issuer } from '../issuer.js';
import { looksLikeJwt, ownKeyResolver } from './own-keys.js';
import { SigningKeys } from '../keys/signing-keys.service.js';

/** The algorithms our ID Tokens may carry; `none` and HMAC never. */
const idTokenAlgorithms = ['ES256', 'RS256'];

/** Who an ID Token of ours was about, and for which clients. */
export interface IdTokenHint {
  sub: string;
  aud: string[];
}

/**
 * Checks an `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID Token this service
 * issued, signed with one of its published keys, for our issuer. Its expiry is ignored (the hint is
 * often an old token); an access token (typ at+jwt) is not an ID Token.
 */
@Injectable()
export class IdTokenHints {
  private readonly getKey: CompactVerifyGetKey;

  constructor(
    keys: SigningKeys,
    private readonly issuer: Issuer,
  ) {
    this.getKey = ownKeyResolver(keys);
  }

  /** The hint's subject and audience, or null for anything that is not an ID Token of ours. */
  async verify(hint: string): Promise<IdTokenHint | null> {
    if (hint.length > 8192 || !looksLikeJwt.test(hint)) return null;
    try {
      const { payload, protectedHeader } = await compactVerify(hint, this.getKey, { algorithms: idTokenAlgorithms });
      if (protectedHeader.typ !== undefined && protectedHeader.typ.toLowerCase() !== 'jwt') return null;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      if (claims.iss !== this.issuer.value || typeof claims.sub !== 'string') return null;
      const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a) => typeof a === 'string') : [];
      if (aud.length === 0) return null;
      return { sub: claims.sub, aud };
    } catch {
      return null;
    }
  }
}
