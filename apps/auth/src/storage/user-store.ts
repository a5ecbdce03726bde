import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserRecord } from './user.entity.js';

/** The resource owners who log in at /authorize and with the password grant. */
@Injectable()
export class UserStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the user; false when the username is taken. */
  async insert(user: UserRecord): Promise<boolean> {
    // ON CONFLICT rather than catching the unique violation: a taken username is an answer, not a failed query (and a warning).
    const result = await this.dataSource.manager.createQueryBuilder().insert().into(UserRecord).values(user).orIgnore().returning(['id']).execute();
    return (result.raw as unknown[]).length > 0;
  }

  find(id: string): Promise<UserRecord | null> {
    return this.dataSource.manager.findOneBy(UserRecord, { id });
  }

  findByUsername(username: string): Promise<UserRecord | null> {
    return this.dataSource.manager.findOneBy(UserRecord, { username });
  }

  list(): Promise<UserRecord[]> {
    return this.dataSource.manager.find(UserRecord, { order: { username: 'ASC' } });
  }

  /** False when no such user. */
  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(UserRecord, { id });
    return Boolean(result.affected);
  }
}
