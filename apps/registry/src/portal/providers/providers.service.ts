import { Injectable } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isUuid } from '../field-errors.js';
import type { DcrProvider } from './dcr-provider.js';
import { DcrProviderRecord } from './dcr-provider.entity.js';
import { ExternalRegistrationRecord } from './external-registration.entity.js';
import { discoverProvider } from './provider-discovery.js';
import { validProviderInput } from './provider-input.js';
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

const PG_FOREIGN_KEY_VIOLATION = '23503';

function stillHoldsClients(count: number): PortcullisError {
  return new PortcullisError('conflict', `The provider still holds ${count} client(s) registered for portal apps: delete those apps first`);
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
    private readonly dataSource: DataSource,
    private readonly sealer: SecretSealer,
  ) {}

  async list(): Promise<DcrProvider[]> {
    const records = await this.dataSource.manager.find(DcrProviderRecord, { order: { createdAt: 'ASC', id: 'ASC' } });
    return records.map(view);
  }

  async get(id: string): Promise<DcrProvider> {
    return view(await this.record(id));
  }

  /** Whether a provider exists (the catalogue checks an external_dcr entry's provider_id with it). */
  async exists(id: string): Promise<boolean> {
    return isUuid(id) && (await this.dataSource.manager.existsBy(DcrProviderRecord, { id }));
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
    await this.dataSource.manager.insert(DcrProviderRecord, record);
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
      fields.initial_access_token === undefined ? current.initialAccessToken : fields.initial_access_token === null ? null : this.sealer.seal(fields.initial_access_token, id);
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
    await this.dataSource.manager.save(DcrProviderRecord, next);
    return view(next);
  }

  /** Refused while clients registered there exist: deleting those apps deletes the clients first. */
  async remove(id: string): Promise<void> {
    await this.record(id);
    const registered = await this.dataSource.manager.countBy(ExternalRegistrationRecord, { providerId: id });
    if (registered > 0) throw stillHoldsClients(registered);
    try {
      await this.dataSource.manager.delete(DcrProviderRecord, { id });
    } catch (error) {
      // An app registered meanwhile: the foreign key (ON DELETE RESTRICT) decides, with the same 409.
      if ((error as { driverError?: { code?: unknown } } | null)?.driverError?.code === PG_FOREIGN_KEY_VIOLATION) throw stillHoldsClients(1);
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
    const record = isUuid(id) ? await this.dataSource.manager.findOneBy(DcrProviderRecord, { id }) : null;
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
