import { Injectable, Logger } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { ClientBindings } from '../../client-bindings/client-bindings.js';
import { lockRevision } from '../../storage/revision.js';
import { Transactions } from '../../storage/transactions.js';
import { DcrRegistrar, type ExternalRegistration } from '../providers/dcr-registrar.js';
import { ExternalRegistrations } from '../providers/external-registrations.js';
import { renameRow, type CredentialKindHandler, type IssueContext, type ShownCredentials } from './credential-kind.js';
import { PortalAppStore } from '../storage/portal-app-store.js';
import type { PortalAppRecord } from './portal-app.entity.js';

/** A remove races a rotation at most this many times before giving up with 409. */
const MAX_REMOVE_ATTEMPTS = 3;

/**
 * Clients registered at the entry's external provider (RFC 7591), bound to the entry's policy for
 * the gateways. The app, its registration and its binding commit together; the provider is asked
 * outside that transaction, so each step undoes the provider's side when ours fails: nothing is
 * left half-registered.
 */
@Injectable()
export class ExternalDcrCredentials implements CredentialKindHandler {
  readonly kind = 'external_dcr' as const;
  private readonly logger = new Logger(ExternalDcrCredentials.name);

  constructor(
    private readonly apps: PortalAppStore,
    private readonly transactions: Transactions,
    private readonly registrar: DcrRegistrar,
    private readonly registrations: ExternalRegistrations,
    private readonly bindings: ClientBindings,
  ) {}

  async create(context: IssueContext): Promise<ShownCredentials> {
    const providerId = context.entry.provider_id;
    if (!providerId) throw new PortcullisError('conflict', 'This catalogue entry names no DCR provider');
    const registration = await this.registrar.register(providerId, { client_name: context.app.name });
    const app = { ...context.app, clientId: registration.client_id, providerId };
    await this.storeOrUnregister(registration, async () => {
      await this.transactions.run(async (manager) => {
        // The revision's lock first, as every configuration writer takes it: the app's row locks its
        // entry and provider, which a catalogue or provider write (or an applied set) deletes only
        // after taking that lock; taken in the other order, the two would deadlock.
        await lockRevision(manager);
        await this.apps.insert(app, manager);
        await this.registrations.save(app.id, registration, manager);
        await this.bindings.put(this.binding(context, registration), manager);
      });
    });
    Object.assign(context.app, { clientId: app.clientId, providerId });
    return shown(registration);
  }

  /**
   * A new client replaces the old (RFC 7592 has no secret rotation): registered, swapped in with
   * its binding in one transaction, then the old one deleted at the provider. If that last step
   * fails the old client is already unbound, so the gateways give its tokens nothing of this app.
   */
  async rotate(context: IssueContext): Promise<ShownCredentials> {
    const providerId = context.app.providerId;
    const old = await this.registrations.get(context.app.id);
    if (!providerId || !old) throw new PortcullisError('conflict', 'This app holds no registration to rotate');
    const registration = await this.registrar.register(providerId, { client_name: context.app.name });
    const updatedAt = new Date();
    await this.storeOrUnregister(registration, async () => {
      await this.transactions.run(async (manager) => {
        // The revision's lock first (see create): the registration's row locks its provider.
        await lockRevision(manager);
        if (!(await this.apps.update(context.app.id, { clientId: old.client_id }, { clientId: registration.client_id, updatedAt }, manager)))
          throw new PortcullisError('conflict', 'The app changed meanwhile (rotated or deleted); try again');
        await this.registrations.save(context.app.id, registration, manager);
        await this.bindings.remove(old.issuer, old.client_id, manager);
        await this.bindings.put(this.binding(context, registration), manager);
      });
    });
    Object.assign(context.app, { clientId: registration.client_id, updatedAt });
    await this.registrar.remove(old).catch((error: unknown) => {
      this.logger.warn(
        `rotated app ${context.app.id}: the old client ${old.client_id} could not be deleted at ${old.issuer} (it is unbound): ${message(error)}`,
      );
    });
    return shown(registration);
  }

  /**
   * The provider deletes the client first: when it cannot (down, refusing), the app stays, so nothing
   * is orphaned. Then the app goes with its registration and binding, if it still holds that client:
   * a rotation that won meanwhile gave it another, which is deleted in turn.
   */
  async remove(app: PortalAppRecord): Promise<void> {
    for (let attempt = 0; attempt < MAX_REMOVE_ATTEMPTS; attempt += 1) {
      const registration = await this.registrations.get(app.id);
      if (registration) await this.registrar.remove(registration);
      const removed = await this.transactions.run(async (manager) => {
        // The revision's lock first (see create): a rotation takes it before the app's row too.
        await lockRevision(manager);
        const held = registration ? { clientId: registration.client_id } : {};
        if (!(await this.apps.delete(app.id, held, manager))) return false;
        if (registration) {
          await this.bindings.remove(registration.issuer, registration.client_id, manager);
          await this.registrations.remove(app.id, manager);
        }
        return true;
      });
      if (removed || !(await this.apps.exists(app.id))) return;
    }
    throw new PortcullisError('conflict', 'The app is being rotated; try again');
  }

  /**
   * RFC 7592 §2.2: the client's metadata replaced at the provider with the new name (it may hand out
   * a new registration access token, which is kept). A rotation or delete that won meanwhile makes
   * this a 409: the provider's client then has the name until the app's next change.
   */
  async rename(app: PortalAppRecord, name: string): Promise<void> {
    const registration = await this.registrations.get(app.id);
    if (!registration) throw new PortcullisError('conflict', 'This app holds no registration to change');
    const updated = await this.registrar.update(registration, { client_name: name });
    await this.transactions.run(async (manager) => {
      await renameRow(this.apps, app, name, { clientId: registration.client_id }, manager);
      await this.registrations.save(app.id, updated, manager);
    });
  }

  private binding(context: IssueContext, registration: ExternalRegistration) {
    return {
      issuer: registration.issuer,
      client_id: registration.client_id,
      api_id: context.entry.api_id,
      policy_ids: [context.entry.policy_id],
      app_id: context.app.id,
    };
  }

  private async storeOrUnregister(registration: ExternalRegistration, store: () => Promise<void>): Promise<void> {
    try {
      await store();
    } catch (error) {
      await this.registrar.remove(registration).catch((undo: unknown) => {
        this.logger.error(
          `client ${registration.client_id} registered at ${registration.issuer} for an app that was not stored could not be deleted there: ${message(undo)}`,
        );
      });
      throw error;
    }
  }
}

function shown(registration: ExternalRegistration): ShownCredentials {
  const credentials: ShownCredentials = { client_id: registration.client_id, token_endpoint: registration.token_endpoint };
  if (registration.client_secret !== undefined) credentials.client_secret = registration.client_secret;
  return credentials;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
