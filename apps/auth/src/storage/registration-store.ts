import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientRegistrationRecord } from './client-registration.entity.js';
import { InitialAccessTokenRecord } from './initial-access-token.entity.js';

/** Dynamically registered clients' registration access tokens (RFC 7592), by client_id. */
@Injectable()
export class ClientRegistrationStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(registration: ClientRegistrationRecord): Promise<void> {
    await this.dataSource.manager.insert(ClientRegistrationRecord, registration);
  }

  find(clientId: string): Promise<ClientRegistrationRecord | null> {
    return this.dataSource.manager.findOneBy(ClientRegistrationRecord, { clientId });
  }

  async delete(clientId: string): Promise<void> {
    await this.dataSource.manager.delete(ClientRegistrationRecord, { clientId });
  }
}

/** Initial access tokens for dynamic registration (RFC 7591 §3), by the token's hash. */
@Injectable()
export class InitialAccessTokenStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(token: InitialAccessTokenRecord): Promise<void> {
    await this.dataSource.manager.insert(InitialAccessTokenRecord, token);
  }

  /** The token if it is live: unexpired, with uses left. */
  findLive(tokenHash: string): Promise<InitialAccessTokenRecord | null> {
    return this.dataSource.manager
      .createQueryBuilder(InitialAccessTokenRecord, 't')
      .where('t.token_hash = :hash AND t.uses_left > 0 AND t.expires_at > now()', { hash: tokenHash })
      .getOne();
  }

  /** Takes one use, atomically: two registrations racing for the last use cannot both have it. */
  async consume(tokenHash: string): Promise<boolean> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(InitialAccessTokenRecord)
      .set({ usesLeft: () => 'uses_left - 1' })
      .where('token_hash = :hash AND uses_left > 0 AND expires_at > now()', { hash: tokenHash })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Gives back one use. */
  async refund(tokenHash: string): Promise<void> {
    await this.dataSource.manager
      .createQueryBuilder()
      .update(InitialAccessTokenRecord)
      .set({ usesLeft: () => 'uses_left + 1' })
      .where('token_hash = :hash', { hash: tokenHash })
      .execute();
  }
}
