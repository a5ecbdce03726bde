import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DcrProviderRecord } from '../providers/dcr-provider.entity.js';
import { ExternalRegistrationRecord } from '../providers/external-registration.entity.js';
import { behindRevisionLock } from '../../storage/revision.js';

/**
 * The DCR providers the portal registers clients at (`dcr_providers`). Each write queues behind the
 * configuration revision's lock (without moving it), so an applied configuration set, which compares
 * the providers again under that lock, sees it or is waited for.
 */
@Injectable()
export class ProviderStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Every provider, read with the caller's manager (in its transaction) or outside any. */
  list(manager: EntityManager = this.dataSource.manager): Promise<DcrProviderRecord[]> {
    return manager.find(DcrProviderRecord, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<DcrProviderRecord | null> {
    return this.dataSource.manager.findOneBy(DcrProviderRecord, { id });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(DcrProviderRecord, { id });
  }

  async insert(record: DcrProviderRecord): Promise<void> {
    await this.queued((manager) => manager.insert(DcrProviderRecord, record));
  }

  async save(record: DcrProviderRecord): Promise<void> {
    await this.queued((manager) => manager.save(DcrProviderRecord, record));
  }

  /** Foreign key violations (registrations or entries still naming it) reach the caller as they are. */
  async delete(id: string): Promise<void> {
    await this.queued((manager) => manager.delete(DcrProviderRecord, { id }));
  }

  private queued<T>(write: (manager: EntityManager) => Promise<T>): Promise<T> {
    return behindRevisionLock(this.dataSource, write);
  }
}

/** The row fields of a registration, the registration access token already sealed. */
export type ExternalRegistrationFields = Omit<ExternalRegistrationRecord, 'appId' | 'createdAt'>;

/**
 * The registrations the portal made, keyed by portal app id (`external_registrations`). Writes take
 * the manager of the caller's transaction, so the app, its registration and its client binding
 * commit together.
 */
@Injectable()
export class ExternalRegistrationStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the app's registration, over the stored one if any. */
  async put(appId: string, fields: ExternalRegistrationFields, manager: EntityManager): Promise<void> {
    const updated = await manager.update(ExternalRegistrationRecord, { appId }, fields);
    if (!updated.affected) await manager.insert(ExternalRegistrationRecord, { appId, ...fields, createdAt: fields.updatedAt });
  }

  find(appId: string, manager: EntityManager = this.dataSource.manager): Promise<ExternalRegistrationRecord | null> {
    return manager.findOneBy(ExternalRegistrationRecord, { appId });
  }

  async delete(appId: string, manager: EntityManager): Promise<void> {
    await manager.delete(ExternalRegistrationRecord, { appId });
  }

  /** How many clients the portal holds at the provider. */
  countForProvider(providerId: string): Promise<number> {
    return this.dataSource.manager.countBy(ExternalRegistrationRecord, { providerId });
  }
}
