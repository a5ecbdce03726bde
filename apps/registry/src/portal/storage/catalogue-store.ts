import { Injectable } from '@nestjs/common';
import { DataSource, type QueryDeepPartialEntity } from 'typeorm';
import { CatalogueEntryRecord } from '../catalogue/catalogue-entry.entity.js';

/** The portal's catalogue (`catalogue_entries`). Unique and foreign key violations reach the caller as they are. */
@Injectable()
export class CatalogueStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The published entries, by name. */
  listPublished(): Promise<CatalogueEntryRecord[]> {
    return this.dataSource.manager.find(CatalogueEntryRecord, { where: { published: true }, order: { name: 'ASC', createdAt: 'ASC' } });
  }

  list(): Promise<CatalogueEntryRecord[]> {
    return this.dataSource.manager.find(CatalogueEntryRecord, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<CatalogueEntryRecord | null> {
    return this.dataSource.manager.findOneBy(CatalogueEntryRecord, { id });
  }

  async insert(record: CatalogueEntryRecord): Promise<void> {
    await this.dataSource.manager.insert(CatalogueEntryRecord, asRow(record));
  }

  /** False when no such entry. */
  async update(id: string, changes: Partial<CatalogueEntryRecord>): Promise<boolean> {
    const result = await this.dataSource.manager.update(CatalogueEntryRecord, { id }, asRow(changes));
    return Boolean(result.affected);
  }

  /** False when no such entry. */
  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(CatalogueEntryRecord, { id });
    return Boolean(result.affected);
  }

  /** How many entries send developers to the DCR provider. */
  countForProvider(providerId: string): Promise<number> {
    return this.dataSource.manager.countBy(CatalogueEntryRecord, { providerId });
  }
}

/** TypeORM's deep-partial typing cannot follow the open OpenAPI document (jsonb, stored whole). */
function asRow(row: Partial<CatalogueEntryRecord>): QueryDeepPartialEntity<CatalogueEntryRecord> {
  return row as QueryDeepPartialEntity<CatalogueEntryRecord>;
}
