import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { qualifiedTable } from '@portcullis/database';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessTokenRecord } from './access-token.entity.js';
import { RefreshTokenRecord } from './refresh-token.entity.js';
import { GroupCommit } from './group-commit.js';

/** What a revocation must announce: the denylist entry gateways keep until `exp`. */
export interface RevokedAccessToken {
  jti: string;
  exp: number;
}

/** Columns of one access_tokens row in the batched insert, in VALUES order. */
const ACCESS_COLUMNS = 12;
/** 11 parameters a row: 100 rows stay far below PostgreSQL's 65535 parameters a statement. */
const MAX_BATCH = 100;

/** The refresh token an exchange meant to spend was spent (or revoked) by another exchange first. */
export class RefreshTokenSpent extends Error {
  constructor() {
    super('The refresh token was already spent');
  }
}

/** Issued access tokens (by jti; opaque ones also by hash) and refresh tokens (by hash) in PostgreSQL. */
@Injectable()
export class TokenStore implements OnApplicationShutdown {
  /**
   * Access tokens without a refresh token (client_credentials, the hot path) are written in groups:
   * one INSERT and one commit (one WAL flush) for every token issued in the same turn of the event
   * loop, each answer still waiting for its own row to be committed.
   */
  private readonly accessWrites: GroupCommit<AccessTokenRecord>;
  private readonly insertSql: string[] = [];

  constructor(private readonly dataSource: DataSource) {
    this.accessWrites = new GroupCommit((records) => this.insertAccess(records), { maxBatch: MAX_BATCH, maxInFlight: 4 });
  }

  /** Lets tokens already signed reach the database before the pool closes. */
  onApplicationShutdown(): Promise<void> {
    return this.accessWrites.drained();
  }

  /**
   * Records newly issued tokens. With `spends` (a refresh exchange), the refresh token exchanged is
   * marked used in the same transaction, or RefreshTokenSpent is thrown and nothing is recorded.
   * The spend's row lock is held until the new tokens are committed, so a racing exchange of the
   * same token waits, finds it used, and its family revocation (a separate, later statement) sees
   * the winner's tokens and revokes them too (RFC 9700 §4.14.2).
   */
  async recordIssued(access: AccessTokenRecord, refresh: RefreshTokenRecord | null, spends?: Buffer): Promise<void> {
    if (!refresh && spends === undefined) return this.accessWrites.add(access);
    await this.dataSource.transaction(async (manager) => {
      if (spends !== undefined && !(await this.spendRefresh(manager, spends))) throw new RefreshTokenSpent();
      await manager.insert(AccessTokenRecord, access);
      if (refresh) await manager.insert(RefreshTokenRecord, refresh);
    });
  }

  findAccess(jti: string): Promise<AccessTokenRecord | null> {
    return this.dataSource.manager.findOneBy(AccessTokenRecord, { jti });
  }

  /** An opaque access token's row, by the token's SHA-256. */
  findAccessByHash(tokenHash: Buffer): Promise<AccessTokenRecord | null> {
    return this.dataSource.manager.findOneBy(AccessTokenRecord, { tokenHash });
  }

  findRefresh(tokenHash: Buffer): Promise<RefreshTokenRecord | null> {
    return this.dataSource.manager.findOneBy(RefreshTokenRecord, { tokenHash });
  }

  /**
   * Marks a refresh token used, atomically: of two concurrent exchanges of the same token exactly one
   * gets true, and the other is a reuse.
   */
  private async spendRefresh(manager: EntityManager, tokenHash: Buffer): Promise<boolean> {
    const result = await manager
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
      await manager
        .createQueryBuilder()
        .update(RefreshTokenRecord)
        .set({ revokedAt: () => 'now()' })
        .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
        .execute();
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

  /** Raw SQL, not a query builder per row: this runs once per batch of the token endpoint. */
  private async insertAccess(records: AccessTokenRecord[]): Promise<void> {
    const parameters: unknown[] = [];
    for (const record of records) {
      parameters.push(
        record.jti,
        record.clientId,
        record.sub,
        record.scope,
        JSON.stringify(record.apiIds),
        record.kid,
        record.tokenHash,
        JSON.stringify(record.policyIds),
        record.familyId,
        record.iat.getTime() / 1000,
        record.exp.getTime() / 1000,
        record.claims ? JSON.stringify(record.claims) : null,
      );
    }
    await this.dataSource.query(this.insertStatement(records.length), parameters);
  }

  private insertStatement(rows: number): string {
    let sql = this.insertSql[rows];
    if (sql === undefined) {
      const values: string[] = [];
      for (let row = 0; row < rows; row++) {
        const p = (column: number) => `$${row * ACCESS_COLUMNS + column}`;
        values.push(
          `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}::jsonb, ${p(6)}, ${p(7)}::bytea, ${p(8)}::jsonb, ${p(9)}::uuid, to_timestamp(${p(10)}), to_timestamp(${p(11)}), NULL, ${p(12)}::jsonb)`,
        );
      }
      const table = qualifiedTable(this.dataSource, 'access_tokens');
      sql = `INSERT INTO ${table} (jti, client_id, sub, scope, api_ids, kid, token_hash, policy_ids, family_id, iat, exp, revoked_at, claims) VALUES ${values.join(', ')}`;
      this.insertSql[rows] = sql;
    }
    return sql;
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
