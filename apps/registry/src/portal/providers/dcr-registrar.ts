import { Injectable, Logger } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { callProvider, oauthErrorOf, type ProviderAnswer } from './provider-http.js';
import { ProvidersService, type ProviderForRegistration } from './providers.service.js';

/**
 * A client the portal registered at an external provider (RFC 7591), with what RFC 7592 needs to
 * read, change and delete it later. `client_secret` is present only in the answer to `register`
 * (shown to the developer once, never stored); the stored form (ExternalRegistrations.get) has none.
 */
export interface ExternalRegistration {
  provider_id: string;
  /** The provider's issuer, as its tokens carry it in `iss`. */
  issuer: string;
  client_id: string;
  client_secret?: string;
  /** RFC 7592 bearer token for the client configuration endpoint: sealed at rest. */
  registration_access_token: string;
  registration_client_uri: string;
  /** Where the developer gets tokens (the provider's, not ours). */
  token_endpoint: string;
}

/** The client metadata the portal chooses; the provider's grant types etc. come from its settings. */
export interface RegistrationMetadata {
  client_name: string;
}

/**
 * Registers, changes and deletes clients at the external providers the admin configured.
 * Errors: `provider_refused` (the provider answered with an RFC 7591 error: its error_description is
 * the message), `provider_unavailable` (down, timed out after 5 s, or an answer that is not RFC 7591),
 * `not_found` (no such provider).
 */
@Injectable()
export class DcrRegistrar {
  private readonly logger = new Logger(DcrRegistrar.name);

  constructor(private readonly providers: ProvidersService) {}

  /** RFC 7591 §3: POST to the provider's registration endpoint with its initial access token. */
  async register(providerId: string, metadata: RegistrationMetadata): Promise<ExternalRegistration> {
    const provider = await this.providers.forRegistration(providerId);
    const answer = await callProvider({
      method: 'POST',
      url: provider.registration_endpoint,
      bearer: provider.initial_access_token,
      body: clientMetadata(provider, metadata),
      purpose: 'the registration',
    });
    // RFC 7591 §3.2.1: 201 Created; some providers answer 200.
    if (answer.status !== 201 && answer.status !== 200) throw refusal(answer, 'the registration');
    const registration = registrationOf(provider, answer.json, null);
    if (registration === null) {
      // Registered, but without RFC 7592 handles we may use we could not delete it: the operator must
      // hear of it. A warning: the provider broke the protocol, and this service refused the result.
      const clientId = (answer.json as { client_id?: unknown } | undefined)?.client_id;
      this.logger.warn(
        `provider ${provider.id} registered client ${String(clientId)} without a registration_access_token and a registration_client_uri on ${originOf(provider.registration_endpoint)} (RFC 7592): it must be deleted there by hand`,
      );
      throw new PortcullisError(
        'provider_unavailable',
        'The identity provider registered the client without the RFC 7592 registration access token and client URI (on its own host) needed to manage it',
      );
    }
    return registration;
  }

  /**
   * RFC 7592 §2.2: PUT the client's full metadata. Providers may rotate the registration access
   * token on every PUT (oidc-provider does), so store the answer in place of the old registration.
   */
  async update(registration: ExternalRegistration, metadata: RegistrationMetadata): Promise<ExternalRegistration> {
    const provider = await this.providers.forRegistration(registration.provider_id);
    const answer = await callProvider({
      method: 'PUT',
      url: registration.registration_client_uri,
      bearer: registration.registration_access_token,
      body: { ...clientMetadata(provider, metadata), client_id: registration.client_id },
      purpose: 'the client update',
    });
    if (answer.status !== 200) throw refusal(answer, 'the client update');
    const updated = registrationOf(provider, answer.json, registration);
    if (updated === null || updated.client_id !== registration.client_id) {
      throw new PortcullisError('provider_unavailable', 'The identity provider answered the client update with something other than the client');
    }
    return updated;
  }

  /**
   * RFC 7592 §2.3: DELETE the client. A 401/403/404 means the provider no longer knows the client
   * (§2.3: an unknown client gets 401 and its token revoked), which is the state we want.
   */
  async remove(registration: ExternalRegistration): Promise<void> {
    const answer = await callProvider({
      method: 'DELETE',
      url: registration.registration_client_uri,
      bearer: registration.registration_access_token,
      purpose: 'deleting the client',
    });
    if (answer.status === 204 || answer.status === 200) return;
    if (answer.status === 401 || answer.status === 403 || answer.status === 404) {
      this.logger.warn(`provider ${registration.provider_id} no longer knows client ${registration.client_id} (HTTP ${answer.status}): taken as deleted`);
      return;
    }
    throw refusal(answer, 'deleting the client');
  }
}

/** RFC 7591 §2 metadata: the provider's settings, the app's name. */
function clientMetadata(provider: ProviderForRegistration, metadata: RegistrationMetadata): Record<string, unknown> {
  return {
    client_name: metadata.client_name,
    grant_types: provider.grant_types,
    response_types: provider.response_types,
    token_endpoint_auth_method: provider.token_endpoint_auth_method,
    ...(provider.scope !== null ? { scope: provider.scope } : {}),
  };
}

/**
 * The registration in an answer; null without client_id, a registration_access_token that is a
 * bearer token, and a registration_client_uri on the provider's host. An update's answer may omit the token (kept then: RFC 7592 §2.2 lets
 * the provider keep it).
 */
function registrationOf(provider: ProviderForRegistration, json: unknown, previous: ExternalRegistration | null): ExternalRegistration | null {
  if (json === null || typeof json !== 'object') return null;
  const answer = json as Record<string, unknown>;
  const token = typeof answer.registration_access_token === 'string' ? answer.registration_access_token : previous?.registration_access_token;
  const uri = typeof answer.registration_client_uri === 'string' ? answer.registration_client_uri : previous?.registration_client_uri;
  if (typeof answer.client_id !== 'string' || token === undefined || uri === undefined) return null;
  // RFC 7592 §1.3 / RFC 6750 §2.1: a bearer token. An empty one would send our DELETE without it (the
  // provider's 401 then reads as "already gone"), one with a line break could not be sent at all.
  if (!BEARER_TOKEN.test(token)) return null;
  // The URI is where the registration access token is sent from now on: only the host the admin's
  // configuration already sends tokens to, never one the answer picks (and never a relative one).
  const allowed = originOf(previous?.registration_client_uri ?? provider.registration_endpoint);
  if (allowed === null || originOf(uri) !== allowed) return null;
  return {
    provider_id: provider.id,
    issuer: provider.issuer,
    client_id: answer.client_id,
    ...(typeof answer.client_secret === 'string' ? { client_secret: answer.client_secret } : {}),
    registration_access_token: token,
    registration_client_uri: uri,
    token_endpoint: provider.token_endpoint,
  };
}

/** RFC 6750 §2.1 b64token. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** An absolute http(s) URL's origin; null for anything else. */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * A 4xx with an RFC 7591 §3.2.2 error is the provider refusing: its description goes to the
 * developer. Anything else (5xx, not JSON) is a provider in trouble.
 */
function refusal(answer: ProviderAnswer, purpose: string): PortcullisError {
  const error = oauthErrorOf(answer.json);
  if (answer.status >= 400 && answer.status < 500) {
    const reason = error === null ? `HTTP ${answer.status}` : (error.description ?? error.error);
    return new PortcullisError('provider_refused', `The identity provider refused ${purpose}: ${reason}`);
  }
  return new PortcullisError('provider_unavailable', `The identity provider failed ${purpose} (HTTP ${answer.status})`);
}
