import { Inject, Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { gatewayTokenEndpoint, isNotFound, renameRow, type CredentialKindHandler, type IssueContext, type ShownCredentials } from './credential-kind.js';
import { PortalAppStore } from '../storage/portal-app-store.js';
import type { PortalAppRecord } from './portal-app.entity.js';

/**
 * OAuth clients of our own auth service, for the client_credentials grant on the entry's API, their
 * tokens carrying the entry's policy. Tokens come from the API's own `{listen_path}oauth/token/` on
 * the gateway (Tyk's flow), which gives them the API as their audience.
 */
@Injectable()
export class OAuthClientCredentials implements CredentialKindHandler {
  readonly kind = 'oauth_client' as const;
  private readonly logger = new Logger(OAuthClientCredentials.name);

  constructor(
    private readonly bus: Bus,
    private readonly apps: PortalAppStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  async create(context: IssueContext): Promise<ShownCredentials> {
    const client = await this.bus.request(subjects.authClientsCreate, {
      input: {
        client_name: context.app.name,
        grant_types: ['client_credentials'],
        api_ids: [context.entry.api_id],
        policy_ids: [context.entry.policy_id],
        meta: { portal_app_id: context.app.id, portal_developer_id: context.app.developerId },
      },
    });
    if (!client.client_secret) throw new PortcullisError('internal');
    try {
      await this.apps.insert({ ...context.app, clientId: client.client_id });
    } catch (error) {
      await this.deleteClient(client.client_id).catch((undo: unknown) => {
        this.logger.error(
          `could not delete client ${client.client_id} made for an app that was not stored: ${undo instanceof Error ? undo.message : String(undo)}`,
        );
      });
      throw error;
    }
    context.app.clientId = client.client_id;
    return this.shown(context, client.client_id, client.client_secret);
  }

  /** The auth service swaps the secret in one step: the old one stops working at once. */
  async rotate(context: IssueContext): Promise<ShownCredentials> {
    const clientId = context.app.clientId;
    if (!clientId) throw new PortcullisError('conflict', 'This app holds no client to rotate');
    const client = await this.bus.request(subjects.authClientsRotateSecret, { client_id: clientId });
    if (!client.client_secret) throw new PortcullisError('internal');
    context.app.updatedAt = new Date();
    await this.apps.update(context.app.id, {}, { updatedAt: context.app.updatedAt });
    return this.shown(context, clientId, client.client_secret);
  }

  /** Deleting the client revokes every token it holds (the auth service announces them). */
  async remove(app: PortalAppRecord): Promise<void> {
    if (app.clientId) await this.deleteClient(app.clientId);
    await this.apps.delete(app.id, {});
  }

  /** The auth service replaces a client whole: it is read, renamed and written back. */
  async rename(app: PortalAppRecord, name: string): Promise<void> {
    if (app.clientId) {
      const { created_at: _created, updated_at: _updated, ...client } = await this.bus.request(subjects.authClientsGet, { client_id: app.clientId });
      await this.bus.request(subjects.authClientsUpdate, { client_id: app.clientId, input: { ...client, client_name: name } });
    }
    await renameRow(this.apps, app, name, {});
  }

  private shown(context: IssueContext, clientId: string, secret: string): ShownCredentials {
    return {
      client_id: clientId,
      client_secret: secret,
      token_endpoint: gatewayTokenEndpoint(this.config.portal.gatewayPublicUrl, context.api.proxy.listen_path),
    };
  }

  private async deleteClient(clientId: string): Promise<void> {
    try {
      await this.bus.request(subjects.authClientsDelete, { client_id: clientId });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
