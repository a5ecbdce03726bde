import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { publishQuietly } from '../events/publish.js';
import { TokenStore, type RevokedAccessToken } from '../storage/token-store.js';
import { AccessTokenCache } from './access-token-cache.js';

/**
 * Revokes tokens and tells every gateway (`auth.token.revoked` with jti and exp) so its denylist
 * refuses them at once (and every auth replica forgets them: introspection answers them from memory
 * otherwise). Returns how many access tokens were revoked.
 */
@Injectable()
export class Revocations {
  private readonly logger = new Logger(Revocations.name);

  constructor(
    private readonly store: TokenStore,
    private readonly bus: Bus,
    private readonly cache: AccessTokenCache,
  ) {}

  async family(familyId: string): Promise<number> {
    return this.announce(await this.store.revokeFamily(familyId));
  }

  async accessToken(jti: string): Promise<number> {
    return this.announce(await this.store.revokeAccess(jti));
  }

  async client(clientId: string): Promise<number> {
    return this.announce(await this.store.revokeClient(clientId));
  }

  private async announce(revoked: RevokedAccessToken[]): Promise<number> {
    // Committed: from now on this replica answers these tokens from the database, inactive.
    for (const token of revoked) this.cache.forget(token.jti);
    await Promise.all(revoked.map((token) => publishQuietly(this.bus, subjects.authTokenRevoked, token, this.logger)));
    return revoked.length;
  }
}
