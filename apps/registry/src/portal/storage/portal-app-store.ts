import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { PortalAppRecord } from '../apps/portal-app.entity.js';

/**
 * What the caller expects the app to hold still (the credential it just changed): a write finds
 * nothing when a rotation or delete won meanwhile. A null key hash means the app holds no key.
 */
export interface AppHolds {
  keyHash?: string | null;
  clientId?: string;
}

/**
 * Developers' apps (`portal_apps`). Writes that must commit with a registration and a client
 * binding take the manager of the caller's transaction (Transactions.run); without one, they run alone.
 */
@Injectable()
export class PortalAppStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(app: PortalAppRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(PortalAppRecord, app);
  }

  /** The developer's apps, oldest first. */
  listFor(developerId: string): Promise<PortalAppRecord[]> {
    return this.dataSource.manager.find(PortalAppRecord, { where: { developerId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(developerId: string, appId: string): Promise<PortalAppRecord | null> {
    return this.dataSource.manager.findOneBy(PortalAppRecord, { id: appId, developerId });
  }

  findById(appId: string): Promise<PortalAppRecord | null> {
    return this.dataSource.manager.findOneBy(PortalAppRecord, { id: appId });
  }

  exists(appId: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(PortalAppRecord, { id: appId });
  }

  /** How many apps were made from the catalogue entry. */
  countForEntry(entryId: string): Promise<number> {
    return this.dataSource.manager.countBy(PortalAppRecord, { entryId });
  }

  /** False when the app is gone or no longer holds what `holds` says. */
  async update(
    appId: string,
    holds: AppHolds,
    changes: Partial<Pick<PortalAppRecord, 'name' | 'keyHash' | 'clientId' | 'updatedAt'>>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const result = await manager.update(PortalAppRecord, { id: appId, ...heldBy(holds) }, changes);
    return Boolean(result.affected);
  }

  /** False when the app is gone or no longer holds what `holds` says. */
  async delete(appId: string, holds: AppHolds, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.delete(PortalAppRecord, { id: appId, ...heldBy(holds) });
    return Boolean(result.affected);
  }
}

function heldBy(holds: AppHolds): FindOptionsWhere<PortalAppRecord> {
  const where: FindOptionsWhere<PortalAppRecord> = {};
  if (holds.keyHash !== undefined) where.keyHash = holds.keyHash === null ? IsNull() : holds.keyHash;
  if (holds.clientId !== undefined) where.clientId = holds.clientId;
  return where;
}
