import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { behindRevisionLock } from '../../storage/revision.js';
import { CatalogueEntryRecord } from '../catalogue/catalogue-entry.entity.js';

/**
 * The portal's catalogue (`catalogue_entries`). Unique and foreign key violations reach the caller as
 * they are. Each write queues behind the configuration revision's lock (without moving it), so an
 * applied configuration set, which compares the catalogue again under that lock, sees it or is
 * waited for.
 */
@Injectable()
export class CatalogueStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The published entries, by name. */
  listPublished(): Promise<CatalogueEntryRecord[]> {
    return this.dataSource.manager.find(CatalogueEntryRecord, { where: { published: true }, order: { name: 'ASC', createdAt: 'ASC' } });
  }

  /** Every entry, read with the caller's manager (in its transaction) or outside any. */
  list(manager: EntityManager = this.dataSource.manager): Promise<CatalogueEntryRecord[]> {
    return manager.find(CatalogueEntryRecord, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<CatalogueEntryRecord | null> {
    return this.dataSource.manager.findOneBy(CatalogueEntryRecord, { id });
  }

  async insert(record: CatalogueEntryRecord): Promise<void> {
    await this.queued((manager) => manager.insert(CatalogueEntryRecord, asRow(record)));
  }

  /** False when no such entry. */
  async update(id: string, changes: Partial<CatalogueEntryRecord>): Promise<boolean> {
    const result = await this.queued((manager) => manager.update(CatalogueEntryRecord, { id }, asRow(changes)));
    return Boolean(result.affected);
  }

  /** False when no such entry. */
  async delete(id: string): Promise<boolean> {
    const result = await this.queued((manager) => manager.delete(CatalogueEntryRecord, { id }));
    return Boolean(result.affected);
  }

  /** How many entries send developers to the DCR provider. */
  countForProvider(providerId: string): Promise<number> {
    return this.dataSource.manager.countBy(CatalogueEntryRecord, { providerId });
  }

  private queued<T>(write: (manager: EntityManager) => Promise<T>): Promise<T> {
    return behindRevisionLock(this.dataSource, write);
  }
}

/** TypeORM's deep-partial typing cannot follow the open OpenAPI document (jsonb, stored whole). */
function asRow(row: Partial<CatalogueEntryRecord>): QueryDeepPartialEntity<CatalogueEntryRecord> {
  return row as QueryDeepPartialEntity<CatalogueEntryRecord>;
}
