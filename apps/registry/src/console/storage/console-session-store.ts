import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, MoreThan, type Repository } from 'typeorm';
import { ConsoleSessionRecord } from '../session/console-session.entity.js';

/** Operators' console sessions (`console_sessions`), by the hash of the cookie's id. */
@Injectable()
export class ConsoleSessionStore {
  private readonly rows: Repository<ConsoleSessionRecord>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(ConsoleSessionRecord);
  }

  async insert(session: ConsoleSessionRecord): Promise<void> {
    await this.rows.insert(session);
  }

  /** The session if it has not expired by `now`. */
  findLive(idHash: string, now: Date): Promise<ConsoleSessionRecord | null> {
    return this.rows.findOneBy({ idHash, expiresAt: MoreThan(now) });
  }

  async pruneExpired(now: Date): Promise<void> {
    await this.rows.delete({ expiresAt: LessThan(now) });
  }

  async delete(idHash: string): Promise<void> {
    await this.rows.delete({ idHash });
  }
}
