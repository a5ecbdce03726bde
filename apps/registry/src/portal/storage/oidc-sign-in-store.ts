import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, type Repository } from 'typeorm';
import { OidcSignInRecord } from '../oidc/oidc-sign-in.entity.js';

/** Sign-ins through the OpenID Provider under way (`portal_oidc_sign_ins`), by the hash of their state. */
@Injectable()
export class OidcSignInStore {
  private readonly rows: Repository<OidcSignInRecord>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(OidcSignInRecord);
  }

  async insert(record: OidcSignInRecord): Promise<void> {
    await this.rows.insert(record);
  }

  /**
   * Deletes the sign-in and hands it back, if it had not expired by `now`. The row is locked, then
   * deleted, in one transaction: of two callbacks racing with one state only the first finds it,
   * and a replayed callback finds nothing.
   */
  take(stateHash: string, now: Date): Promise<OidcSignInRecord | null> {
    return this.dataSource.transaction(async (manager) => {
      const record = await manager.findOne(OidcSignInRecord, { where: { stateHash }, lock: { mode: 'pessimistic_write' } });
      if (!record) return null;
      await manager.delete(OidcSignInRecord, { stateHash });
      return record.expiresAt.getTime() > now.getTime() ? record : null;
    });
  }

  async pruneExpired(now: Date): Promise<void> {
    await this.rows.delete({ expiresAt: LessThan(now) });
  }
}
