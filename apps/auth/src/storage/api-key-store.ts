import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeyRecord } from './api-key.entity.js';

/** The row fields an update replaces. */
export type ApiKeyChanges = Pick<ApiKeyRecord, 'kind' | 'session' | 'orgId' | 'passwordHash' | 'secretEncrypted' | 'updatedAt' | 'expiresAt'>;

/** Tyk's keys (and basic, HMAC and OAuth 1.0a token credentials) by the key's SHA-256. */
@Injectable()
export class ApiKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the key; false when a key with this hash exists already. */
  async insert(row: ApiKeyRecord): Promise<boolean> {
    // ON CONFLICT rather than catching the violation: a failed query is logged with its parameters.
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .insert()
      .into(ApiKeyRecord)
      .values(row as never)
      .orIgnore()
      .returning('key_hash')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.dataSource.manager.find(ApiKeyRecord, { order: { createdAt: 'ASC', keyHash: 'ASC' } });
  }

  findByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    return this.dataSource.manager.findOneBy(ApiKeyRecord, { keyHash });
  }

  /** False when no such key. */
  async update(keyHash: string, changes: ApiKeyChanges): Promise<boolean> {
    const result = await this.dataSource.manager.update(ApiKeyRecord, { keyHash }, { ...changes, session: changes.session as never });
    return Boolean(result.affected);
  }

  /** False when no such key. */
  async delete(keyHash: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(ApiKeyRecord, { keyHash });
    return Boolean(result.affected);
  }
}
