import { Injectable } from '@nestjs/common';
import type { ClientBinding } from '@portcullis/contracts';
import type { EntityManager } from 'typeorm';

/**
 * Which policies an external provider's client gets at the gateways (table `client_bindings`, keyed
 * by issuer and client id). Each write takes the caller's transaction manager, bumps the shared
 * configuration revision in it, and publishes `registry.client-binding.changed` once that
 * transaction commits (nothing when it rolls back): callers only pass their manager.
 */
@Injectable()
export class ClientBindings {
  /** Binds (or re-binds) the client; the manager must be inside a transaction. */
  put(_binding: ClientBinding, _manager: EntityManager): Promise<void> {
    throw new Error('not implemented yet');
  }

  /** Releases the client; its tokens stop working at every gateway. No-op when it was not bound. */
  remove(_issuer: string, _clientId: string, _manager: EntityManager): Promise<void> {
    throw new Error('not implemented yet');
  }

  list(_manager?: EntityManager): Promise<ClientBinding[]> {
    throw new Error('not implemented yet');
  }
}
