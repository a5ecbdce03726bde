import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, type Repository } from 'typeorm';
import { OidcSignInRecord, type OidcSignInPurpose } from '../oidc/oidc-sign-in.entity.js';

/** Sign-ins through an OpenID Provider under way (`oidc_sign_ins`, the portal's and the console's), by the hash of their state. */
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
   * Deletes the sign-in of `purpose` and hands it back, if it had not expired by `now`. The row is locked, then
   * deleted, in one transaction: of two callbacks racing with one state only the first finds it,
   * and a replayed callback finds nothing.
   */
  take(stateHash: string, purpose: OidcSignInPurpose, now: Date): Promise<OidcSignInRecord | null> {
    return this.dataSource.transaction(async (manager) => {
      // Another purpose's sign-in is not found: the portal's callback cannot spend the console's, nor the reverse.
      const record = await manager.findOne(OidcSignInRecord, { where: { stateHash, purpose }, lock: { mode: 'pessimistic_write' } });
      if (!record) return null;
      await manager.delete(OidcSignInRecord, { stateHash });
      return record.expiresAt.getTime() > now.getTime() ? record : null;
    });
  }

  async pruneExpired(now: Date): Promise<void> {
    await this.rows.delete({ expiresAt: LessThan(now) });
  }
}
