import { Injectable } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import type { EntityManager } from 'typeorm';
import type { ExternalRegistration } from './dcr-registrar.js';
import { ExternalRegistrationStore } from '../storage/provider-store.js';
import type { ExternalRegistrationRecord } from './external-registration.entity.js';
import { SecretSealer } from './sealed-secrets.js';

/**
 * The registrations the portal made, keyed by portal app id (table `external_registrations`), the
 * registration access token sealed with AES-256-GCM. Writes take the caller's transaction manager so
 * the app, its registration and its client binding commit together.
 */
@Injectable()
export class ExternalRegistrations {
  constructor(
    private readonly store: ExternalRegistrationStore,
    private readonly sealer: SecretSealer,
  ) {}

  /** Stores (or replaces, on rotate) the app's registration; the client secret is never stored. */
  async save(appId: string, registration: ExternalRegistration, manager: EntityManager): Promise<void> {
    const now = new Date();
    const fields = {
      providerId: registration.provider_id,
      issuer: registration.issuer,
      clientId: registration.client_id,
      registrationClientUri: registration.registration_client_uri,
      registrationAccessToken: this.sealer.seal(registration.registration_access_token, appId),
      tokenEndpoint: registration.token_endpoint,
      updatedAt: now,
    };
    await this.store.put(appId, fields, manager);
  }

  /** The stored registration, the registration access token opened; null when the app has none. */
  async get(appId: string, manager?: EntityManager): Promise<ExternalRegistration | null> {
    const record = await this.store.find(appId, manager);
    if (!record) return null;
    return {
      provider_id: record.providerId,
      issuer: record.issuer,
      client_id: record.clientId,
      registration_access_token: this.openToken(record),
      registration_client_uri: record.registrationClientUri,
      token_endpoint: record.tokenEndpoint,
    };
  }

  private openToken(record: ExternalRegistrationRecord): string {
    try {
      return this.sealer.open(record.registrationAccessToken, record.appId);
    } catch {
      // Nothing can re-enter it: the provider's admin must delete the client by hand.
      throw new PortcullisError(
        'conflict',
        `The registration of client ${record.clientId} at ${record.issuer} was sealed under another ADMIN_SECRET and cannot be managed from here any more`,
      );
    }
  }

  async remove(appId: string, manager: EntityManager): Promise<void> {
    await this.store.delete(appId, manager);
  }
}
