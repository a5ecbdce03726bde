import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { OAuthClientRecord, type ClientMetadata } from './oauth-client.entity.js';

/** OAuth clients (`oauth_clients`) by client_id. */
@Injectable()
export class ClientStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the client; false when the client_id is taken. */
  async insert(client: OAuthClientRecord): Promise<boolean> {
    try {
      await this.dataSource.manager.insert(OAuthClientRecord, { ...client, metadata: client.metadata as never });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  find(clientId: string): Promise<OAuthClientRecord | null> {
    return this.dataSource.manager.findOneBy(OAuthClientRecord, { clientId });
  }

  /** Every client in creation order; with `apiId`, those whose metadata names that API. */
  list(apiId?: string): Promise<OAuthClientRecord[]> {
    const query = this.dataSource.manager.createQueryBuilder(OAuthClientRecord, 'c').orderBy('c.created_at', 'ASC').addOrderBy('c.client_id', 'ASC');
    if (apiId !== undefined) query.where(`c.metadata -> 'api_ids' @> :apiIds::jsonb`, { apiIds: JSON.stringify([apiId]) });
    return query.getMany();
  }

  /** False when no such client. */
  async update(clientId: string, changes: { metadata?: ClientMetadata; secretHash?: Buffer | null; updatedAt: Date }): Promise<boolean> {
    const { metadata, ...rest } = changes;
    const result = await this.dataSource.manager.update(
      OAuthClientRecord,
      { clientId },
      metadata === undefined ? rest : { ...rest, metadata: metadata as never },
    );
    return Boolean(result.affected);
  }

  /** False when no such client. */
  async delete(clientId: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(OAuthClientRecord, { clientId });
    return Boolean(result.affected);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';
}
