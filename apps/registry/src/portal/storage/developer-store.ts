import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { violatedConstraint } from '../../storage/pg-errors.js';
import { DeveloperRecord } from '../developers/developer.entity.js';
import { PasswordResetRecord } from '../developers/password-reset.entity.js';
import type { DeveloperStatus } from '../portal-types.js';
import { PortalSessionRecord } from '../pages/portal-session.entity.js';

/** Developer accounts (`developers`) and their password reset links (`developer_password_resets`). */
@Injectable()
export class DeveloperStore {
  constructor(private readonly dataSource: DataSource) {}

  existsWithEmail(email: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(DeveloperRecord, { email });
  }

  /** Inserts the account; false when the email is taken (the unique index decides a race). */
  async insert(record: DeveloperRecord): Promise<boolean> {
    try {
      await this.dataSource.manager.insert(DeveloperRecord, record);
      return true;
    } catch (error) {
      if (violatedConstraint(error, 'unique') !== undefined) return false;
      throw error;
    }
  }

  list(): Promise<DeveloperRecord[]> {
    return this.dataSource.manager.find(DeveloperRecord, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<DeveloperRecord | null> {
    return this.dataSource.manager.findOneBy(DeveloperRecord, { id });
  }

  findByEmail(email: string): Promise<DeveloperRecord | null> {
    return this.dataSource.manager.findOneBy(DeveloperRecord, { email });
  }

  async setStatus(id: string, status: DeveloperStatus, updatedAt: Date): Promise<void> {
    await this.dataSource.manager.update(DeveloperRecord, { id }, { status, updatedAt });
  }

  /** Deletes the account (its reset links with it). */
  async delete(id: string): Promise<void> {
    await this.dataSource.manager.delete(DeveloperRecord, { id });
  }

  /** The developer's one reset link: it replaces their earlier ones. */
  replaceResetLink(developerId: string, tokenHash: string, expiresAt: Date, createdAt: Date): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      await manager.delete(PasswordResetRecord, { developerId });
      await manager.insert(PasswordResetRecord, { tokenHash, developerId, expiresAt, createdAt });
    });
  }

  findResetLink(tokenHash: string): Promise<PasswordResetRecord | null> {
    return this.dataSource.manager.findOneBy(PasswordResetRecord, { tokenHash });
  }

  /**
   * Spends the link and, if it had not expired, sets the password and ends the developer's portal
   * sessions, in one transaction; the developer, or null for a link unknown, used or expired. The
   * link is locked, then deleted: of two requests racing with one link, only the first finds it.
   */
  resetPassword(tokenHash: string, passwordHash: string): Promise<DeveloperRecord | null> {
    return this.dataSource.transaction(async (manager) => {
      const link = await manager.findOne(PasswordResetRecord, { where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
      if (!link) return null;
      await manager.delete(PasswordResetRecord, { tokenHash: link.tokenHash });
      if (link.expiresAt.getTime() <= Date.now()) return null;
      await manager.update(DeveloperRecord, { id: link.developerId }, { passwordHash, updatedAt: new Date() });
      // Whoever is logged in as the developer (perhaps why the password was reset) is logged out.
      await manager.delete(PortalSessionRecord, { developerId: link.developerId });
      return manager.findOneBy(DeveloperRecord, { id: link.developerId });
    });
  }

  /** Drops reset links past their expiry. */
  async pruneResetLinks(now: Date): Promise<void> {
    await this.dataSource.manager.delete(PasswordResetRecord, { expiresAt: LessThan(now) });
  }
}
