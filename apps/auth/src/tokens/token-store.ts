import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessTokenRecord } from '../storage/access-token.entity.js';
import { RefreshTokenRecord } from '../storage/refresh-token.entity.js';

/** What a revocation must announce: the denylist entry gateways keep until `exp`. */
export interface RevokedAccessToken {
  jti: string;
  exp: number;
}

/** Issued access tokens (by jti) and refresh tokens (by hash) in PostgreSQL. */
@Injectable()
export class TokenStore {
  constructor(private readonly dataSource: DataSource) {}

  async recordIssued(access: AccessTokenRecord, refresh: RefreshTokenRecord | null): Promise<void> {
    if (!refresh) {
      await this.dataSource.manager.insert(AccessTokenRecord, access);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(AccessTokenRecord, access);
      await manager.insert(RefreshTokenRecord, refresh);
    });
  }

  findAccess(jti: string): Promise<AccessTokenRecord | null> {
    return this.dataSource.manager.findOneBy(AccessTokenRecord, { jti });
  }

  findRefresh(tokenHash: Buffer): Promise<RefreshTokenRecord | null> {
    return this.dataSource.manager.findOneBy(RefreshTokenRecord, { tokenHash });
  }

  /**
   * Marks a refresh token used, atomically: of two concurrent exchanges of the same token exactly one
   * gets true, and the other is a reuse.
   */
  async spendRefresh(tokenHash: Buffer): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(RefreshTokenRecord)
      .set({ usedAt: () => 'now()' })
      .where('token_hash = :tokenHash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { tokenHash })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Revokes every token of a family: its refresh tokens and the access tokens issued from it. */
  revokeFamily(familyId: string): Promise<RevokedAccessToken[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder().update(RefreshTokenRecord).set({ revokedAt: () => 'now()' }).where('family_id = :familyId AND revoked_at IS NULL', { familyId }).execute();
      return this.revokeAccessWhere(manager, 'family_id = :familyId', { familyId });
    });
  }

  async revokeAccess(jti: string): Promise<RevokedAccessToken[]> {
    return this.revokeAccessWhere(this.dataSource.manager, 'jti = :jti', { jti });
  }

  /** Everything a client holds: refresh tokens deleted, unexpired access tokens revoked. */
  revokeClient(clientId: string): Promise<RevokedAccessToken[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.delete(RefreshTokenRecord, { clientId });
      return this.revokeAccessWhere(manager, 'client_id = :clientId', { clientId });
    });
  }

  /** The client's unexpired access tokens, newest first. */
  listForClient(clientId: string): Promise<AccessTokenRecord[]> {
    return this.dataSource.manager
      .createQueryBuilder(AccessTokenRecord, 't')
      .where('t.client_id = :clientId AND t.exp > now()', { clientId })
      .orderBy('t.iat', 'DESC')
      .limit(1000)
      .getMany();
  }

  /** Drops rows that can no longer matter: expired tokens are refused on their expiry alone. */
  async prune(): Promise<void> {
    await this.dataSource.manager.createQueryBuilder().delete().from(AccessTokenRecord).where('exp < now()').execute();
    await this.dataSource.manager.createQueryBuilder().delete().from(RefreshTokenRecord).where('expires_at < now()').execute();
  }

  private async revokeAccessWhere(manager: EntityManager, where: string, parameters: Record<string, unknown>): Promise<RevokedAccessToken[]> {
    const result = await manager
      .createQueryBuilder()
      .update(AccessTokenRecord)
      .set({ revokedAt: () => 'now()' })
      .where(`${where} AND revoked_at IS NULL AND exp > now()`, parameters)
      .returning(['jti', 'exp'])
      .execute();
    return (result.raw as { jti: string; exp: Date }[]).map((row) => ({ jti: row.jti, exp: Math.floor(new Date(row.exp).getTime() / 1000) }));
  }
}
