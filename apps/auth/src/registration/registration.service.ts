import { Injectable } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { ClientsService } from '../clients/clients.service.js';
import { Issuer } from '../issuer.js';
import { hashToken, newToken, tokenMatches } from './bearer-tokens.js';
import { ClientRegistrationStore } from '../storage/registration-store.js';
import { InitialAccessTokensService } from './initial-access-tokens.service.js';
import { RegistrationError } from './registration-error.js';
import { mapRegistrationMetadata, registrationErrorFrom, registrationMetadataOf } from './registration-metadata.js';

export type ClientInformation = Record<string, unknown>;

/**
 * Dynamic client registration (RFC 7591) behind admin-issued initial access tokens, and client
 * configuration (RFC 7592) through each client's own registration access token.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly store: ClientRegistrationStore,
    private readonly clients: ClientsService,
    private readonly initialTokens: InitialAccessTokensService,
    private readonly issuer: Issuer,
  ) {}

  async register(initialToken: string | undefined, body: unknown): Promise<ClientInformation> {
    if (initialToken === undefined) throw RegistrationError.token(false);
    const grant = await this.initialTokens.peek(initialToken);
    if (!grant) throw RegistrationError.token(true);
    const mapped = mapRegistrationMetadata(body, grant);
    if (!mapped.ok) throw RegistrationError.metadata(mapped.error, mapped.description);
    // Only a registration that passed its checks uses the token up, and the last use goes to one request only.
    if (!(await this.initialTokens.consume(initialToken))) throw RegistrationError.token(true);
    let created;
    try {
      created = await this.clients.create(mapped.input);
    } catch (error) {
      await this.initialTokens.refund(initialToken);
      throw asMetadataError(error);
    }
    const registrationToken = newToken();
    try {
      await this.store.insert({ clientId: created.client_id, registrationTokenHash: hashToken(registrationToken), createdAt: new Date() });
    } catch (error) {
      // A client nobody can manage must not remain.
      await this.clients.delete(created.client_id).catch(() => undefined);
      throw error;
    }
    const information: ClientInformation = { ...registrationMetadataOf(created), ...this.configurationOf(created.client_id, registrationToken) };
    if (created.client_secret !== undefined) {
      information.client_secret = created.client_secret;
      information.client_secret_expires_at = 0; // RFC 7591 §3.2.1: 0 = does not expire
    }
    return information;
  }

  async read(clientId: string, token: string | undefined): Promise<ClientInformation> {
    await this.authorize(clientId, token);
    return { ...registrationMetadataOf(await this.clients.get(clientId)), ...this.configurationOf(clientId, token!) };
  }

  /** RFC 7592 §2.2: the body replaces the client's metadata; what it leaves out goes back to the default. */
  async update(clientId: string, token: string | undefined, body: unknown): Promise<ClientInformation> {
    await this.authorize(clientId, token);
    const existing = await this.clients.get(clientId);
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    if (fields && fields.client_id !== clientId)
      throw RegistrationError.metadata('invalid_client_metadata', 'client_id must be present and equal to the client being updated.');
    if (fields && fields.client_secret !== undefined) {
      const stored = await this.clients.findForAuthentication(clientId);
      if (typeof fields.client_secret !== 'string' || !stored?.secretHash || !tokenMatchesSecret(fields.client_secret, stored.secretHash)) {
        throw RegistrationError.metadata('invalid_client_metadata', 'client_secret does not match the current one.');
      }
    }
    // The grant of the initial access token stays: a client cannot widen what it may call.
    const mapped = mapRegistrationMetadata(body, { apiIds: existing.api_ids, policyIds: existing.policy_ids });
    if (!mapped.ok) throw RegistrationError.metadata(mapped.error, mapped.description);
    const wasPublic = existing.token_endpoint_auth_method === 'none';
    if (wasPublic !== (mapped.input.token_endpoint_auth_method === 'none')) {
      throw RegistrationError.metadata(
        'invalid_client_metadata',
        'A client cannot switch between public (none) and confidential; register a new client instead.',
      );
    }
    const updated = await this.clients.update(clientId, mapped.input).catch((error: unknown) => {
      throw asMetadataError(error);
    });
    return { ...registrationMetadataOf(updated), ...this.configurationOf(clientId, token!) };
  }

  /** RFC 7592 §2.3: the client is gone, and every token it held is revoked. */
  async delete(clientId: string, token: string | undefined): Promise<void> {
    await this.authorize(clientId, token);
    await this.clients.delete(clientId).catch((error: unknown) => {
      if (!(error instanceof PortcullisError && error.code === 'not_found')) throw error;
    });
    await this.store.delete(clientId);
  }

  /** The token must be this client's registration access token; every other case looks the same. */
  private async authorize(clientId: string, token: string | undefined): Promise<void> {
    if (token === undefined) throw RegistrationError.token(false);
    const record = clientId.length <= 256 ? await this.store.find(clientId) : null;
    if (!tokenMatches(token, record?.registrationTokenHash)) throw RegistrationError.token(true);
    // The client may have been deleted by an admin since: its registration is then worthless.
    if (!(await this.clients.findForAuthentication(clientId))) {
      await this.store.delete(clientId);
      throw RegistrationError.token(true);
    }
  }

  private configurationOf(clientId: string, registrationToken: string): { registration_access_token: string; registration_client_uri: string } {
    return { registration_access_token: registrationToken, registration_client_uri: `${this.issuer.value}/oauth/register/${encodeURIComponent(clientId)}` };
  }
}

function tokenMatchesSecret(presented: string, storedHash: Buffer): boolean {
  return tokenMatches(presented, storedHash.toString('hex'));
}

function asMetadataError(error: unknown): unknown {
  if (error instanceof PortcullisError && error.code === 'validation_failed') {
    const mapped = registrationErrorFrom(error.details);
    return RegistrationError.metadata(mapped.error, mapped.description);
  }
  return error;
}
