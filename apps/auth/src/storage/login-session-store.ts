import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsentRecord } from './consent.entity.js';
import { LoginSessionRecord } from './login-session.entity.js';

/** Login sessions by the SHA-256 of the cookie's token. */
@Injectable()
export class LoginSessionStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(session: LoginSessionRecord): Promise<void> {
    await this.dataSource.manager.insert(LoginSessionRecord, session);
  }

  /** The session for a token hash, if it is neither revoked nor expired. */
  findLive(tokenHash: Buffer): Promise<LoginSessionRecord | null> {
    return this.dataSource.manager
      .createQueryBuilder(LoginSessionRecord, 's')
      .where('s.token_hash = :tokenHash AND s.revoked_at IS NULL AND s.expires_at > now()', { tokenHash })
      .getOne();
  }

  /** A user's live sessions, newest first. */
  listLive(sub: string): Promise<LoginSessionRecord[]> {
    return this.dataSource.manager
      .createQueryBuilder(LoginSessionRecord, 's')
      .where('s.sub = :sub AND s.revoked_at IS NULL AND s.expires_at > now()', { sub })
      .orderBy('s.created_at', 'DESC')
      .getMany();
  }

  /** Revokes one session of a user (or every one, without an id); returns how many were live. */
  async revoke(sub: string, id?: string): Promise<number> {
    const query = this.dataSource
      .createQueryBuilder()
      .update(LoginSessionRecord)
      .set({ revokedAt: () => 'now()' })
      .where('sub = :sub AND revoked_at IS NULL AND expires_at > now()', { sub });
    if (id !== undefined) query.andWhere('id = :id', { id });
    const result = await query.execute();
    return result.affected ?? 0;
  }

  async revokeById(id: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(LoginSessionRecord)
      .set({ revokedAt: () => 'now()' })
      .where('id = :id', { id })
      .execute();
  }

  /** Drops sessions expired or revoked for a day. */
  async prune(): Promise<void> {
    await this.dataSource.manager
      .createQueryBuilder()
      .delete()
      .from(LoginSessionRecord)
      .where(`expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'`)
      .execute();
  }
}

/** Remembered consents, one row per user and client. */
@Injectable()
export class ConsentStore {
  constructor(private readonly dataSource: DataSource) {}

  find(sub: string, clientId: string): Promise<ConsentRecord | null> {
    return this.dataSource.manager.findOneBy(ConsentRecord, { sub, clientId });
  }

  async save(consent: ConsentRecord): Promise<void> {
    await this.dataSource.manager.upsert(ConsentRecord, consent, ['sub', 'clientId']);
  }

  list(sub: string): Promise<ConsentRecord[]> {
    return this.dataSource.manager.find(ConsentRecord, { where: { sub }, order: { clientId: 'ASC' } });
  }

  /** Forgets one client's consent (or every one, without a client id); returns how many there were. */
  async delete(sub: string, clientId?: string): Promise<number> {
    const result = await this.dataSource.manager.delete(ConsentRecord, clientId === undefined ? { sub } : { sub, clientId });
    return result.affected ?? 0;
  }
}
