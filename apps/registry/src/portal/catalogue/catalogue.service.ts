import { Injectable } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { randomUUID } from 'node:crypto';
import { ApiStore } from '../../storage/api-store.js';
import { violatedConstraint } from '../../storage/pg-errors.js';
import { PolicyStore } from '../../storage/policy-store.js';
import { invalid, isUuid } from '../field-errors.js';
import type { CatalogueEntry } from '../portal-types.js';
import { ProvidersService } from '../providers/providers.service.js';
import { CatalogueStore } from '../storage/catalogue-store.js';
import { PortalAppStore } from '../storage/portal-app-store.js';
import { CatalogueEntryRecord } from './catalogue-entry.entity.js';
import { referenceProblems, unknownProvider, validEntryInput, type ValidEntryInput } from './catalogue-input.js';

export function entryNotFound(id: string): PortcullisError {
  return new PortcullisError('not_found', `No catalogue entry with id ${JSON.stringify(id)}`);
}

/**
 * The catalogue: what the admin offers developers (an API, the policy their credentials get, how
 * they get them) and what developers see of it (published entries only).
 */
@Injectable()
export class CatalogueService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly apps: PortalAppStore,
    private readonly apis: ApiStore,
    private readonly policies: PolicyStore,
    private readonly providers: ProvidersService,
  ) {}

  async listPublished(): Promise<CatalogueEntry[]> {
    const records = await this.store.listPublished();
    return records.map(toEntry);
  }

  /** A withdrawn entry is as absent to developers as one that never was. */
  async getPublished(id: string): Promise<CatalogueEntry> {
    const entry = await this.get(id);
    if (!entry.published) throw entryNotFound(id);
    return entry;
  }

  async list(): Promise<CatalogueEntry[]> {
    const records = await this.store.list();
    return records.map(toEntry);
  }

  /** Published or not (admins, and apps made before a withdrawal). */
  async get(id: string): Promise<CatalogueEntry> {
    const record = isUuid(id) ? await this.store.find(id) : null;
    if (!record) throw entryNotFound(id);
    return toEntry(record);
  }

  async create(input: unknown): Promise<CatalogueEntry> {
    const entry = validEntryInput(input);
    await this.checkReferences(entry);
    const now = new Date();
    const record: CatalogueEntryRecord = Object.assign(new CatalogueEntryRecord(), {
      id: randomUUID(),
      ...catalogueColumns(entry),
      createdAt: now,
      updatedAt: now,
    });
    await this.store.insert(record).catch(providerGoneMeanwhile(entry));
    return toEntry(record);
  }

  /**
   * Changes the fields given; the others keep their value. Apps already made keep the credentials
   * they hold (and their kind); new apps get the entry as it now is.
   */
  async update(id: string, input: unknown): Promise<CatalogueEntry> {
    const stored = await this.get(id);
    const entry = validEntryInput(input, stored);
    await this.checkReferences(entry);
    const updatedAt = new Date();
    const updated = await this.store.update(id, { ...catalogueColumns(entry), updatedAt }).catch(providerGoneMeanwhile(entry));
    if (!updated) throw entryNotFound(id);
    return { ...stored, ...entry, updated_at: updatedAt.toISOString() };
  }

  /** Hidden from developers; the apps made for it keep working. */
  withdraw(id: string): Promise<CatalogueEntry> {
    return this.setPublished(id, false);
  }

  publish(id: string): Promise<CatalogueEntry> {
    return this.setPublished(id, true);
  }

  /** Only an entry no app holds credentials for: withdrawing hides it without revoking anything. */
  async remove(id: string): Promise<void> {
    if (!isUuid(id)) throw entryNotFound(id);
    const apps = await this.apps.countForEntry(id);
    if (apps > 0) throw inUse(apps);
    try {
      if (!(await this.store.delete(id))) throw entryNotFound(id);
    } catch (error) {
      // An app made between the count and the delete: the foreign key decides, with the same 409.
      if (violatedConstraint(error, 'foreign_key') !== undefined) throw inUse(1);
      throw error;
    }
  }

  private async setPublished(id: string, published: boolean): Promise<CatalogueEntry> {
    const stored = await this.get(id);
    const updatedAt = new Date();
    await this.store.update(id, { published, updatedAt });
    return { ...stored, published, updated_at: updatedAt.toISOString() };
  }

  private async checkReferences(entry: ValidEntryInput): Promise<void> {
    const [api, policy, provider] = await Promise.all([
      this.apis.get(entry.api_id),
      this.policies.get(entry.policy_id),
      entry.provider_id !== null && isUuid(entry.provider_id) ? this.providers.get(entry.provider_id).catch(() => null) : Promise.resolve(null),
    ]);
    const problems = referenceProblems(entry, api, policy, provider);
    if (problems.length > 0) throw invalid(problems);
  }
}

/** The provider deleted between the reference check and the write: the foreign key decides, with the check's answer. */
function providerGoneMeanwhile(entry: ValidEntryInput): (error: unknown) => never {
  return (error) => {
    if (violatedConstraint(error, 'foreign_key') !== undefined) throw invalid([unknownProvider(entry.provider_id)]);
    throw error;
  };
}

function inUse(apps: number): PortcullisError {
  return new PortcullisError('conflict', 'Developers hold credentials for this entry', [
    { field: 'id', message: `${apps} app(s) were made for this entry: withdraw it instead (its apps keep working), or delete them first` },
  ]);
}

/** A validated entry as its row's columns (the catalogue's own routes and a configuration apply write alike). */
export function catalogueColumns(entry: ValidEntryInput): Omit<CatalogueEntryRecord, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    apiId: entry.api_id,
    policyId: entry.policy_id,
    name: entry.name,
    description: entry.description,
    documentation: entry.documentation,
    openapi: entry.openapi,
    credentialKind: entry.credential_kind,
    providerId: entry.provider_id,
    published: entry.published,
  };
}

export function toEntry(record: CatalogueEntryRecord): CatalogueEntry {
  return {
    id: record.id,
    api_id: record.apiId,
    policy_id: record.policyId,
    name: record.name,
    description: record.description,
    documentation: record.documentation,
    openapi: record.openapi,
    credential_kind: record.credentialKind,
    provider_id: record.providerId,
    published: record.published,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}
