import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ClientChangedEvent, type ClientListRequest, type OAuthClientWithSecret, type TokenSummary } from '@portcullis/contracts';
import { validateOAuthClientInput, type OAuthClient, type OAuthClientInput } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { publishQuietly } from '../events/publish.js';
import { addedReferences, clientReferences } from '../references/named-references.js';
import { RegistryReferences } from '../references/registry-references.js';
import type { ClientMetadata } from '../storage/oauth-client.entity.js';
import { ClientStore } from '../storage/client-store.js';
import { Revocations } from '../tokens/revocations.js';
import { TokenStore } from '../storage/token-store.js';
import { ClientAuthThrottle } from '../storage/failure-throttles.js';
import { ClientCache } from './client-cache.js';
import { hashSecret, newClientId, newClientSecret } from './client-secret.js';
import { toPublicClient, type StoredClient } from './stored-client.js';

/**
 * OAuth client administration, for the admin APIs (over the bus) and dynamic registration alike:
 * validates, stores, and announces each change so every replica drops its cached copy.
 */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);

  constructor(
    private readonly store: ClientStore,
    private readonly cache: ClientCache,
    private readonly tokenStore: TokenStore,
    private readonly revocations: Revocations,
    private readonly bus: Bus,
    private readonly references: RegistryReferences,
    private readonly throttle: ClientAuthThrottle,
  ) {}

  async create(input: unknown): Promise<OAuthClientWithSecret> {
    const value = validated(input);
    await this.references.requireExisting(clientReferences(value));
    const { client_id: chosenId, client_secret: chosenSecret, ...metadata } = value;
    const clientId = chosenId ?? newClientId();
    const secret = metadata.token_endpoint_auth_method === 'none' ? undefined : (chosenSecret ?? newClientSecret());
    const now = new Date();
    if (!(await this.store.insert({ clientId, secretHash: secret ? hashSecret(secret) : null, metadata, createdAt: now, updatedAt: now }))) {
      throw new PortcullisError('conflict', `A client with client_id ${JSON.stringify(clientId)} already exists`, [
        { field: 'client_id', message: 'is taken' },
      ]);
    }
    await this.changed(clientId, 'created');
    const client = shown(clientId, metadata, now, now);
    return secret === undefined ? client : { ...client, client_secret: secret };
  }

  async get(clientId: string): Promise<OAuthClient> {
    return toPublicClient(await this.stored(clientId));
  }

  async list(filter: ClientListRequest = {}): Promise<OAuthClient[]> {
    const records = await this.store.list(typeof filter?.api_id === 'string' ? filter.api_id : undefined);
    return records.map((record) => shown(record.clientId, record.metadata, record.createdAt, record.updatedAt));
  }

  /**
   * Replaces the client's metadata (the secret stays; rotate it separately). A client made public
   * loses its secret; one made confidential has none until `rotateSecret`.
   */
  async update(clientId: string, input: unknown): Promise<OAuthClient> {
    const value = validated(input, clientId);
    const { client_id: _sameAsUrl, client_secret: _secret, ...metadata } = value;
    const existing = await this.stored(clientId);
    await this.references.requireExisting(addedReferences(clientReferences(metadata), clientReferences(existing)));
    const updatedAt = new Date();
    const secretHash = metadata.token_endpoint_auth_method === 'none' ? null : existing.secretHash;
    if (!(await this.store.update(clientId, { metadata, secretHash, updatedAt }))) throw notFound(clientId);
    await this.changed(clientId, 'updated');
    return shown(clientId, metadata, new Date(existing.created_at), updatedAt);
  }

  /** Deletes the client and revokes everything it holds. */
  async delete(clientId: string): Promise<void> {
    if (!(await this.store.delete(clientId))) throw notFound(clientId);
    await this.changed(clientId, 'deleted');
    await this.revocations.client(clientId);
  }

  async rotateSecret(clientId: string): Promise<OAuthClientWithSecret> {
    const existing = await this.stored(clientId);
    if (existing.token_endpoint_auth_method === 'none') {
      throw new PortcullisError('validation_failed', 'A public client has no secret', [
        { field: 'token_endpoint_auth_method', message: 'is none: there is no secret to rotate' },
      ]);
    }
    const secret = newClientSecret();
    const updatedAt = new Date();
    await this.store.update(clientId, { secretHash: hashSecret(secret), updatedAt });
    // Whoever rotates holds the new secret, which nobody can have guessed: a lock set by strangers is moot.
    await this.throttle.clear(clientId);
    await this.changed(clientId, 'updated');
    return { ...toPublicClient(existing), updated_at: updatedAt.toISOString(), client_secret: secret };
  }

  /** An admin lifts the lock that failed authentications put on the client_id (they count again from zero). */
  async unlock(clientId: string): Promise<void> {
    await this.stored(clientId);
    await this.throttle.clear(clientId);
  }

  async tokens(clientId: string): Promise<TokenSummary[]> {
    await this.stored(clientId);
    const records = await this.tokenStore.listForClient(clientId);
    return records.map((token) => ({
      jti: token.jti,
      client_id: token.clientId,
      sub: token.sub,
      scope: token.scope,
      iat: Math.floor(token.iat.getTime() / 1000),
      exp: Math.floor(token.exp.getTime() / 1000),
      revoked: token.revokedAt !== null,
    }));
  }

  /** The client with its secret hash, for authentication: from memory when it was read recently. */
  async findForAuthentication(clientId: string): Promise<StoredClient | null> {
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    const generation = this.cache.generation(clientId);
    const record = await this.store.find(clientId);
    if (!record) return null;
    const client: StoredClient = { ...shown(record.clientId, record.metadata, record.createdAt, record.updatedAt), secretHash: record.secretHash };
    this.cache.set(clientId, client, generation);
    return client;
  }

  /** Another replica changed a client: forget our copy. */
  forget(event: ClientChangedEvent): void {
    if (typeof event?.client_id === 'string') this.cache.invalidate(event.client_id);
  }

  private async stored(clientId: string): Promise<StoredClient> {
    if (typeof clientId !== 'string' || clientId === '')
      throw new PortcullisError('validation_failed', undefined, [{ field: 'client_id', message: 'is required' }]);
    const client = await this.findForAuthentication(clientId);
    if (!client) throw notFound(clientId);
    return client;
  }

  private async changed(clientId: string, change: ClientChangedEvent['change']): Promise<void> {
    this.cache.invalidate(clientId);
    await publishQuietly(this.bus, subjects.authClientChanged, { client_id: clientId, change }, this.logger);
  }
}

function shown(clientId: string, metadata: ClientMetadata, createdAt: Date, updatedAt: Date): OAuthClient {
  return { client_id: clientId, ...metadata, created_at: createdAt.toISOString(), updated_at: updatedAt.toISOString() };
}

function notFound(clientId: string): PortcullisError {
  return new PortcullisError('not_found', `No client with client_id ${JSON.stringify(clientId)}`);
}

/** Validates a submitted client; with `urlId`, also that a client_id in the body matches it. */
function validated(input: unknown, urlId?: string): OAuthClientInput {
  const result = validateOAuthClientInput(input);
  const problems: ErrorDetail[] = result.ok ? [] : [...result.errors];
  if (urlId !== undefined) {
    const body = (input ?? {}) as { client_id?: unknown; client_secret?: unknown };
    if (body.client_id !== undefined && body.client_id !== urlId && problems.every((p) => p.field !== 'client_id')) {
      problems.push({ field: 'client_id', message: `must match the id in the URL (${JSON.stringify(urlId)})` });
    }
    if (body.client_secret !== undefined) problems.push({ field: 'client_secret', message: 'cannot be changed by an update: rotate the secret instead' });
  }
  if (problems.length > 0 || !result.ok) throw new PortcullisError('validation_failed', undefined, problems);
  return result.value;
}
