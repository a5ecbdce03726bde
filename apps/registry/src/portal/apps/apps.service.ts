import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from '@portcullis/config';
import { PortcullisError } from '@portcullis/errors';
import { randomUUID } from 'node:crypto';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { ApiStore } from '../../storage/api-store.js';
import { PolicyStore } from '../../storage/policy-store.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { isUuid, validationFailed } from '../field-errors.js';
import { DeveloperStore } from '../storage/developer-store.js';
import { PortalAppStore } from '../storage/portal-app-store.js';
import type { CatalogueEntry, CredentialKind, DeveloperStatus, IssuedCredentials, PortalApp } from '../portal-types.js';
import { ApiKeyCredentials } from './api-key-credentials.js';
import type { CredentialKindHandler, IssueContext, ShownCredentials } from './credential-kind.js';
import { ExternalDcrCredentials } from './external-dcr-credentials.js';
import { OAuthClientCredentials } from './oauth-client-credentials.js';
import { PortalAppRecord } from './portal-app.entity.js';

const appName = z.string({ error: 'is required' }).trim().min(1, 'is required').max(100);

const newAppSchema = z
  .object({
    entry_id: z.string({ error: 'is required' }).min(1, 'is required').max(64),
    name: appName,
  })
  .strip();

const renameSchema = z.object({ name: appName }).strip();

function inactive(status: string): PortcullisError {
  return new PortcullisError('access_denied', `This developer account is ${status}: it cannot hold credentials`);
}

function appNotFound(appId: string): PortcullisError {
  return new PortcullisError('not_found', `No app with id ${JSON.stringify(appId)}`);
}

/**
 * A developer's apps and the credentials they hold. Every call names the developer: another
 * developer's app is answered exactly as one that does not exist.
 */
@Injectable()
export class AppsService {
  private readonly logger = new Logger(AppsService.name);
  private readonly handlers: ReadonlyMap<CredentialKind, CredentialKindHandler>;

  constructor(
    private readonly store: PortalAppStore,
    private readonly developers: DeveloperStore,
    private readonly catalogue: CatalogueService,
    private readonly apis: ApiStore,
    private readonly policies: PolicyStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    apiKeys: ApiKeyCredentials,
    oauthClients: OAuthClientCredentials,
    externalClients: ExternalDcrCredentials,
  ) {
    this.handlers = new Map<CredentialKind, CredentialKindHandler>([apiKeys, oauthClients, externalClients].map((handler) => [handler.kind, handler]));
  }

  async list(developerId: string): Promise<PortalApp[]> {
    if (!isUuid(developerId)) return [];
    const records = await this.store.listFor(developerId);
    return records.map(toApp);
  }

  async get(developerId: string, appId: string): Promise<PortalApp> {
    return toApp(await this.record(developerId, appId));
  }

  /**
   * Only an active developer, only for a published entry; the credentials are in this answer and
   * nowhere else. `input` is a NewAppInput as submitted (a form): it is validated here.
   */
  async create(developerId: string, input: unknown): Promise<IssuedCredentials> {
    const parsed = newAppSchema.safeParse(input ?? {});
    if (!parsed.success) throw validationFailed(parsed.error);
    await this.requireActive(developerId);
    const entry = await this.catalogue.getPublished(parsed.data.entry_id);
    const now = new Date();
    const app: PortalAppRecord = Object.assign(new PortalAppRecord(), {
      id: randomUUID(),
      developerId,
      entryId: entry.id,
      name: parsed.data.name,
      kind: entry.credential_kind,
      keyHash: null,
      clientId: null,
      providerId: null,
      createdAt: now,
      updatedAt: now,
    });
    const context = await this.context(app, entry);
    const handler = this.handler(app.kind);
    const shown = await handler.create(context);
    await this.revokeUnlessActive(developerId, handler, context);
    return this.issued(context, shown);
  }

  /** A new secret (or key, or client) in place of the old, which stops working. */
  async rotate(developerId: string, appId: string): Promise<IssuedCredentials> {
    await this.requireActive(developerId);
    const app = await this.record(developerId, appId);
    const context = await this.context(app, await this.catalogue.get(app.entryId));
    const handler = this.handler(app.kind);
    const shown = await handler.rotate(context);
    await this.revokeUnlessActive(developerId, handler, context);
    return this.issued(context, shown);
  }

  /**
   * A new name, carried to the credential too (for an external client, at the provider by RFC 7592).
   * `input` is `{ name }` as submitted.
   */
  async rename(developerId: string, appId: string, input: unknown): Promise<PortalApp> {
    const parsed = renameSchema.safeParse(input ?? {});
    if (!parsed.success) throw validationFailed(parsed.error);
    await this.requireActive(developerId);
    const app = await this.record(developerId, appId);
    if (app.name !== parsed.data.name) await this.handler(app.kind).rename(app, parsed.data.name);
    return toApp(app);
  }

  /** Revokes the app's credential, then deletes it; when the revocation fails the app stays (and the error says why). */
  async remove(developerId: string, appId: string): Promise<void> {
    const app = await this.record(developerId, appId);
    await this.handler(app.kind).remove(app);
  }

  /**
   * Every app of the developer, revoked and deleted (blocking, deleting the developer). Each app is
   * tried; when some fail, the first failure is reported and the others are gone.
   */
  async revokeAllFor(developerId: string): Promise<void> {
    if (!isUuid(developerId)) return;
    const apps = await this.store.listFor(developerId);
    // Boxed: the first failure may be any thrown value, undefined included.
    let failure: { error: unknown } | undefined;
    let failed = 0;
    for (const app of apps) {
      try {
        await this.handler(app.kind).remove(app);
      } catch (error) {
        failed += 1;
        failure ??= { error };
        this.logger.warn(`could not revoke app ${app.id} of developer ${developerId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failure === undefined) return;
    const first = failure.error;
    if (first instanceof PortcullisError) {
      throw new PortcullisError(
        first.code,
        `${failed} of ${apps.length} apps could not be revoked (they are kept; try again): ${first.message}`,
        first.details,
      );
    }
    throw first;
  }

  private handler(kind: CredentialKind): CredentialKindHandler {
    const handler = this.handlers.get(kind);
    if (!handler) throw new PortcullisError('internal');
    return handler;
  }

  private async record(developerId: string, appId: string): Promise<PortalAppRecord> {
    const record = isUuid(developerId) && isUuid(appId) ? await this.store.find(developerId, appId) : null;
    if (!record) throw appNotFound(appId);
    return record;
  }

  private async requireActive(developerId: string): Promise<void> {
    const status = await this.statusOf(developerId);
    if (status === null) throw new PortcullisError('not_found', `No developer with id ${JSON.stringify(developerId)}`);
    if (status !== 'active') throw inactive(status);
  }

  /**
   * A block that began while a credential was being issued may have listed the developer's apps
   * before it was stored: blocking sets the status first, so looking again after storing closes the
   * gap (and the credential just issued is revoked, never shown).
   */
  private async revokeUnlessActive(developerId: string, handler: CredentialKindHandler, context: IssueContext): Promise<void> {
    const status = await this.statusOf(developerId);
    if (status === 'active') return;
    await handler.remove(context.app);
    throw inactive(status ?? 'deleted');
  }

  private async statusOf(developerId: string): Promise<DeveloperStatus | null> {
    const developer = isUuid(developerId) ? await this.developers.find(developerId) : null;
    return developer?.status ?? null;
  }

  private async context(app: PortalAppRecord, entry: CatalogueEntry): Promise<IssueContext> {
    const [api, policy] = await Promise.all([this.apis.get(entry.api_id), this.policies.get(entry.policy_id)]);
    if (!api) throw new PortcullisError('conflict', `The API of this catalogue entry (${JSON.stringify(entry.api_id)}) no longer exists`);
    return { app, entry, api, policy };
  }

  private issued(context: IssueContext, shown: ShownCredentials): IssuedCredentials {
    return { app: toApp(context.app), ...shown, gateway_url: this.config.portal.gatewayPublicUrl, listen_path: context.api.proxy.listen_path };
  }
}

export function toApp(record: PortalAppRecord): PortalApp {
  return {
    id: record.id,
    developer_id: record.developerId,
    entry_id: record.entryId,
    name: record.name,
    kind: record.kind,
    key_hash: record.keyHash,
    client_id: record.clientId,
    provider_id: record.providerId,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}
