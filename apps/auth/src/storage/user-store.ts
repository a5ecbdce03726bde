import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserRecord } from './user.entity.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  /** The user with this id; null for none, and for a subject that is no user id at all (a client's, one approved over the bus). */
  async find(id: string): Promise<UserRecord | null> {
    if (!uuid.test(id)) return null;
    return this.dataSource.manager.findOneBy(UserRecord, { id });
  }

  /** Sets the user's claims and their `updated_at`; false when no such user. */
  async updateClaims(id: string, claims: UserRecord['claims'], updatedAt: Date): Promise<boolean> {
    if (!uuid.test(id)) return false;
    const result = await this.dataSource.manager.update(UserRecord, { id }, { claims: claims as never, updatedAt });
    return Boolean(result.affected);
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
