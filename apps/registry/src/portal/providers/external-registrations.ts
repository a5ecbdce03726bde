import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ExternalRegistration } from './dcr-registrar.js';

/**
 * The registrations the portal made, keyed by portal app id (table `external_registrations`), the
 * registration access token sealed with AES-256-GCM. Writes take the caller's transaction manager so
 * the app, its registration and its client binding commit together.
 */
@Injectable()
export class ExternalRegistrations {
  /** Stores (or replaces, on rotate) the app's registration; the client secret is never stored. */
  save(_appId: string, _registration: ExternalRegistration, _manager: EntityManager): Promise<void> {
    throw new Error('not implemented yet');
  }

  /** The stored registration, the registration access token opened; null when the app has none. */
  get(_appId: string, _manager?: EntityManager): Promise<ExternalRegistration | null> {
    throw new Error('not implemented yet');
  }

  remove(_appId: string, _manager: EntityManager): Promise<void> {
    throw new Error('not implemented yet');
  }
}
