import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { publishQuietly } from '../events/publish.js';
import { TokenStore, type RevokedAccessToken } from '../storage/token-store.js';

/**
 * Revokes tokens and tells every gateway (`auth.token.revoked` with jti and exp) so its denylist
 * refuses them at once. Returns how many access tokens were revoked.
 */
@Injectable()
export class Revocations {
  private readonly logger = new Logger(Revocations.name);

  constructor(
    private readonly store: TokenStore,
    private readonly bus: Bus,
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
    await Promise.all(revoked.map((token) => publishQuietly(this.bus, subjects.authTokenRevoked, token, this.logger)));
    return revoked.length;
  }
}
