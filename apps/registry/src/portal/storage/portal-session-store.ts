import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, MoreThan, type Repository } from 'typeorm';
import { PortalSessionRecord } from '../pages/portal-session.entity.js';

/** Developers' portal sessions (`portal_sessions`), by the hash of the cookie's id. */
@Injectable()
export class PortalSessionStore {
  private readonly rows: Repository<PortalSessionRecord>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(PortalSessionRecord);
  }

  async insert(session: PortalSessionRecord): Promise<void> {
    await this.rows.insert(session);
  }

  /** The session if it has not expired by `now`. */
  findLive(idHash: string, now: Date): Promise<PortalSessionRecord | null> {
    return this.rows.findOneBy({ idHash, expiresAt: MoreThan(now) });
  }

  async pruneExpired(now: Date): Promise<void> {
    await this.rows.delete({ expiresAt: LessThan(now) });
  }

  async delete(idHash: string): Promise<void> {
    await this.rows.delete({ idHash });
  }

  async deleteAllFor(developerId: string): Promise<void> {
    await this.rows.delete({ developerId });
  }
}
