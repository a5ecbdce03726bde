import { Injectable } from '@nestjs/common';
import { qualifiedTable } from '@portcullis/database';
import { DataSource } from 'typeorm';
import { AuthorizationCodeRecord } from './authorization-code.entity.js';

/** Authorization codes by the code's SHA-256. */
@Injectable()
export class AuthorizationCodeStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(code: AuthorizationCodeRecord): Promise<void> {
    await this.dataSource.manager.insert(AuthorizationCodeRecord, code);
  }

  /**
   * Burns the code and reads it in one statement (one round trip, one commit: the exchange's hot
   * path). The row lock taken by the CTE makes two racing redemptions queue; the second re-reads the
   * first's committed `used_at`, so of two exactly one gets `firstUse`.
   */
  async burn(codeHash: Buffer): Promise<{ record: AuthorizationCodeRecord; firstUse: boolean } | null> {
    const table = qualifiedTable(this.dataSource, 'authorization_codes');
    const result: unknown = await this.dataSource.query(
      `WITH prior AS (SELECT code_hash, used_at FROM ${table} WHERE code_hash = $1 FOR UPDATE)
       UPDATE ${table} AS code SET used_at = COALESCE(prior.used_at, now()) FROM prior
       WHERE code.code_hash = prior.code_hash
       RETURNING code.*, prior.used_at IS NULL AS first_use`,
      [codeHash],
    );
    // TypeORM answers an UPDATE ... RETURNING on PostgreSQL as [rows, affected].
    const rows = (Array.isArray((result as unknown[])[0]) ? (result as unknown[][])[0] : result) as BurntCodeRow[];
    const row = rows[0];
    return row ? { record: this.dataSource.manager.create(AuthorizationCodeRecord, fromRow(row)), firstUse: row.first_use } : null;
  }

  /** Drops codes expired for an hour (long past any redemption or reuse report). */
  async prune(): Promise<void> {
    await this.dataSource.manager.createQueryBuilder().delete().from(AuthorizationCodeRecord).where(`expires_at < now() - interval '1 hour'`).execute();
  }
}

interface BurntCodeRow {
  code_hash: Buffer;
  client_id: string;
  redirect_uri: string;
  scope: string;
  sub: string;
  api_id: string | null;
  nonce: string | null;
  auth_time: Date | null;
  claims: AuthorizationCodeRecord['claims'];
  code_challenge: string | null;
  code_challenge_method: string | null;
  family_id: string;
  expires_at: Date;
  used_at: Date | null;
  first_use: boolean;
}

/** A raw row as the entity (a raw query's columns keep their database names). */
function fromRow(row: BurntCodeRow): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    sub: row.sub,
    apiId: row.api_id,
    nonce: row.nonce,
    authTime: row.auth_time,
    claims: row.claims,
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method,
    familyId: row.family_id,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}
