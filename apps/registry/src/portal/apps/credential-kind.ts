import type { ApiDefinition, Policy } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import type { EntityManager } from 'typeorm';
import type { CatalogueEntry, CredentialKind, IssuedCredentials } from '../portal-types.js';
import type { AppHolds, PortalAppStore } from '../storage/portal-app-store.js';
import type { PortalAppRecord } from './portal-app.entity.js';

/** What a developer is shown once: the secret parts of IssuedCredentials. */
export type ShownCredentials = Omit<IssuedCredentials, 'app' | 'gateway_url' | 'listen_path'>;

/** What issuing needs: the app being made (its credential columns still empty) and what it is for. */
export interface IssueContext {
  app: PortalAppRecord;
  entry: CatalogueEntry;
  api: ApiDefinition;
  policy: Policy | null;
}

/**
 * One kind of credential, its whole life: each writes the app row itself, in the same
 * transaction as whatever else it stores, and undoes what it issued when that fails, so no
 * credential outlives its app and no app points at a credential that is not there.
 */
export interface CredentialKindHandler {
  readonly kind: CredentialKind;
  /** Issues the credential and inserts `context.app` with it. */
  create(context: IssueContext): Promise<ShownCredentials>;
  /** Replaces the credential (the old one stops working) and updates the app row. */
  rotate(context: IssueContext): Promise<ShownCredentials>;
  /** Revokes the credential, then deletes the app row; a revocation that fails keeps the app. */
  remove(app: PortalAppRecord): Promise<void>;
  /**
   * Gives the app a new name where its credential carries one too (the key's alias, the client's
   * name, here or at the provider), then in the app row; when the first step fails nothing changes.
   */
  rename(app: PortalAppRecord, name: string): Promise<void>;
}

/** `{listen_path}oauth/token/` as the gateway serves it (Tyk's token endpoint on the API's own path). */
export function gatewayTokenEndpoint(gatewayUrl: string, listenPath: string): string {
  return `${gatewayUrl}${listenPath.endsWith('/') ? listenPath : `${listenPath}/`}oauth/token/`;
}

/**
 * The app row's new name, if the app still holds what `holds` says (the credential just renamed):
 * a rotation or delete that won meanwhile is a 409, never a silent rename of something else.
 */
export async function renameRow(apps: PortalAppStore, app: PortalAppRecord, name: string, holds: AppHolds, manager?: EntityManager): Promise<void> {
  const updatedAt = new Date();
  if (!(await apps.update(app.id, holds, { name, updatedAt }, manager)))
    throw new PortcullisError('conflict', 'The app changed meanwhile (rotated or deleted); try again');
  Object.assign(app, { name, updatedAt });
}

/** Whether a failure from the auth service only says the thing is already gone. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'not_found';
}
