import { Injectable } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { randomUUID } from 'node:crypto';
import { violatedConstraint } from '../../storage/pg-errors.js';
import { isUuid } from '../field-errors.js';
import type { DcrProviderRecord } from './dcr-provider.entity.js';
import type { DcrProvider } from './dcr-provider.js';
import { discoverProvider } from './provider-discovery.js';
import { validProviderInput } from './provider-input.js';
import { CatalogueStore } from '../storage/catalogue-store.js';
import { ExternalRegistrationStore, ProviderStore } from '../storage/provider-store.js';
import { SecretSealer } from './sealed-secrets.js';

/** What the registrar needs of a provider: its endpoints, settings and the opened initial access token. */
export interface ProviderForRegistration {
  id: string;
  issuer: string;
  registration_endpoint: string;
  token_endpoint: string;
  initial_access_token: string | null;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string | null;
}

/** Named in migration 1764000300000. */
const CATALOGUE_PROVIDER_FKEY = 'catalogue_entries_provider_fkey';

function stillHoldsClients(count: number): PortcullisError {
  return new PortcullisError('conflict', `The provider still holds ${count} client(s) registered for portal apps: delete those apps first`);
}

function stillOffered(count: number): PortcullisError {
  return new PortcullisError(
    'conflict',
    `${count} catalogue entr${count === 1 ? 'y registers' : 'ies register'} developers' clients at this provider: change or delete them first`,
  );
}

export function providerNotFound(id: string): PortcullisError {
  return new PortcullisError('not_found', `No DCR provider with id ${JSON.stringify(id)}`);
}

/**
 * DCR providers: validated, discovered (and checked) on every save, the initial access token
 * sealed at rest and never shown again.
 */
@Injectable()
export class ProvidersService {
  constructor(
    private readonly store: ProviderStore,
    private readonly registrations: ExternalRegistrationStore,
    private readonly catalogue: CatalogueStore,
    private readonly sealer: SecretSealer,
  ) {}

  async list(): Promise<DcrProvider[]> {
    const records = await this.store.list();
    return records.map(view);
  }

  async get(id: string): Promise<DcrProvider> {
    return view(await this.record(id));
  }

  /** Whether a provider exists (the catalogue checks an external_dcr entry's provider_id with it). */
  async exists(id: string): Promise<boolean> {
    return isUuid(id) && (await this.store.exists(id));
  }

  async create(input: unknown): Promise<DcrProvider> {
    const fields = validProviderInput(input);
    const discovered = await discoverProvider(fields.discovery_url, fields);
    const id = randomUUID();
    const now = new Date();
    const record: DcrProviderRecord = {
      id,
      name: fields.name,
      discoveryUrl: fields.discovery_url,
      ...endpoints(discovered),
      initialAccessToken: fields.initial_access_token ? this.sealer.seal(fields.initial_access_token, id) : null,
      grantTypes: fields.grant_types,
      responseTypes: fields.response_types,
      tokenEndpointAuthMethod: fields.token_endpoint_auth_method,
      scope: fields.scope ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insert(record);
    return view(record);
  }

  /**
   * Replaces the settings (discovered again). Clients already registered keep the metadata they
   * were registered with; the new settings apply to the next registration.
   */
  async update(id: string, input: unknown): Promise<DcrProvider> {
    const current = await this.record(id);
    const fields = validProviderInput(input);
    const discovered = await discoverProvider(fields.discovery_url, fields);
    const token =
      fields.initial_access_token === undefined
        ? current.initialAccessToken
        : fields.initial_access_token === null
          ? null
          : this.sealer.seal(fields.initial_access_token, id);
    const next: DcrProviderRecord = {
      ...current,
      name: fields.name,
      discoveryUrl: fields.discovery_url,
      ...endpoints(discovered),
      initialAccessToken: token,
      grantTypes: fields.grant_types,
      responseTypes: fields.response_types,
      tokenEndpointAuthMethod: fields.token_endpoint_auth_method,
      scope: fields.scope === undefined ? current.scope : fields.scope,
      updatedAt: new Date(),
    };
    await this.store.save(next);
    return view(next);
  }

  /**
   * Refused while clients registered there exist (deleting those apps deletes the clients first) or
   * catalogue entries still send developers there (new apps would have nowhere to register).
   */
  async remove(id: string): Promise<void> {
    await this.record(id);
    const [registered, offered] = await Promise.all([this.registrations.countForProvider(id), this.catalogue.countForProvider(id)]);
    if (registered > 0) throw stillHoldsClients(registered);
    if (offered > 0) throw stillOffered(offered);
    try {
      await this.store.delete(id);
    } catch (error) {
      // An app registered or an entry saved meanwhile: the foreign keys (ON DELETE RESTRICT) decide, with the same 409.
      const constraint = violatedConstraint(error, 'foreign_key');
      if (constraint === CATALOGUE_PROVIDER_FKEY) throw stillOffered(1);
      if (constraint !== undefined) throw stillHoldsClients(1);
      throw error;
    }
  }

  async forRegistration(id: string): Promise<ProviderForRegistration> {
    const record = await this.record(id);
    return {
      id: record.id,
      issuer: record.issuer,
      registration_endpoint: record.registrationEndpoint,
      token_endpoint: record.tokenEndpoint,
      initial_access_token: record.initialAccessToken === null ? null : this.openToken(record, record.initialAccessToken),
      grant_types: record.grantTypes,
      response_types: record.responseTypes,
      token_endpoint_auth_method: record.tokenEndpointAuthMethod,
      scope: record.scope,
    };
  }

  private openToken(record: DcrProviderRecord, sealed: string): string {
    try {
      return this.sealer.open(sealed, record.id);
    } catch {
      throw new PortcullisError(
        'conflict',
        `The initial access token of provider ${record.name} was sealed under another ADMIN_SECRET: enter it again (PUT /admin/portal/providers/${record.id})`,
      );
    }
  }

  private async record(id: string): Promise<DcrProviderRecord> {
    const record = isUuid(id) ? await this.store.find(id) : null;
    if (!record) throw providerNotFound(id);
    return record;
  }
}

function endpoints(discovered: { issuer: string; registration_endpoint: string; token_endpoint: string; jwks_uri: string }) {
  return {
    issuer: discovered.issuer,
    registrationEndpoint: discovered.registration_endpoint,
    tokenEndpoint: discovered.token_endpoint,
    jwksUri: discovered.jwks_uri,
  };
}

function view(record: DcrProviderRecord): DcrProvider {
  return {
    id: record.id,
    name: record.name,
    discovery_url: record.discoveryUrl,
    issuer: record.issuer,
    registration_endpoint: record.registrationEndpoint,
    token_endpoint: record.tokenEndpoint,
    jwks_uri: record.jwksUri,
    has_initial_access_token: record.initialAccessToken !== null,
    grant_types: record.grantTypes,
    response_types: record.responseTypes,
    token_endpoint_auth_method: record.tokenEndpointAuthMethod,
    scope: record.scope,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}
