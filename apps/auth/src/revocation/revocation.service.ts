import { Injectable } from '@nestjs/common';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import { Revocations } from '../tokens/revocations.js';
import { TokenLookup } from '../tokens/token-lookup.js';

/** RFC 7009 revocation on behalf of an authenticated client, for its own tokens only. */
@Injectable()
export class RevocationService {
  constructor(
    private readonly tokens: TokenLookup,
    private readonly revocations: Revocations,
  ) {}

  /** False for a token we do not know (RFC 7009 §2.2: still a success for the caller). */
  async revoke(clientId: string, token: string, hint: string | undefined): Promise<boolean> {
    const found = await this.tokens.find(token, hint);
    if (!found) return false;
    // RFC 7009 §2.1: the server verifies the token was issued to the client asking.
    if (found.record.clientId !== clientId) throw new OAuthError('invalid_request', 'The token was not issued to this client');
    if (found.kind === 'access_token') await this.revocations.accessToken(found.record.jti);
    // §2.1: revoking a refresh token SHOULD also revoke the access tokens of the same grant.
    else await this.revocations.family(found.record.familyId);
    return true;
  }

  /** Tyk's revoke_all: every token the client holds. */
  revokeAll(clientId: string): Promise<number> {
    return this.revocations.client(clientId);
  }
}
