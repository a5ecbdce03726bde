import { Injectable } from '@nestjs/common';

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
  /** RFC 7591 §3: POST to the provider's registration endpoint with its initial access token. */
  register(_providerId: string, _metadata: RegistrationMetadata): Promise<ExternalRegistration> {
    throw new Error('not implemented yet');
  }

  /** RFC 7592 §2.2: PUT the client's full metadata; returns the registration as the provider now has it. */
  update(_registration: ExternalRegistration, _metadata: RegistrationMetadata): Promise<ExternalRegistration> {
    throw new Error('not implemented yet');
  }

  /** RFC 7592 §2.3: DELETE the client. A client the provider no longer knows (401/403/404) counts as deleted. */
  remove(_registration: ExternalRegistration): Promise<void> {
    throw new Error('not implemented yet');
  }
}
