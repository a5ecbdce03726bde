import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthorizationCodeRecord } from './authorization-code.entity.js';

/** Authorization codes by the code's SHA-256. */
@Injectable()
export class AuthorizationCodeStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(code: AuthorizationCodeRecord): Promise<void> {
    await this.dataSource.manager.insert(AuthorizationCodeRecord, code);
  }

  /** Marks the code used, atomically: of two redemptions exactly one gets true. */
  async markUsed(codeHash: Buffer): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(AuthorizationCodeRecord)
      .set({ usedAt: () => 'now()' })
      .where('code_hash = :codeHash AND used_at IS NULL', { codeHash })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  find(codeHash: Buffer): Promise<AuthorizationCodeRecord | null> {
    return this.dataSource.manager.findOneBy(AuthorizationCodeRecord, { codeHash });
  }

  /** Drops codes expired for an hour (long past any redemption or reuse report). */
  async prune(): Promise<void> {
    await this.dataSource.manager.createQueryBuilder().delete().from(AuthorizationCodeRecord).where(`expires_at < now() - interval '1 hour'`).execute();
  }
}
