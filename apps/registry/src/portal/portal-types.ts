/**
 * The developer portal's shared shapes: what the portal core (catalogue, developers, apps) returns,
 * what the pages render and what the DCR registrar and client bindings store beside.
 * Timestamps are ISO 8601 strings so the same objects go out as JSON unchanged.
 */

/** What a developer's app gets for a catalogue entry. */
export type CredentialKind = 'api_key' | 'oauth_client' | 'external_dcr';

export const CREDENTIAL_KINDS: readonly CredentialKind[] = Object.freeze(['api_key', 'oauth_client', 'external_dcr']);

/** An API offered to developers, with the policy their credentials get. */
export interface CatalogueEntry {
  id: string;
  api_id: string;
  policy_id: string;
  name: string;
  description: string;
  /** Markdown. */
  documentation: string;
  openapi: Record<string, unknown> | null;
  credential_kind: CredentialKind;
  /** The DCR provider the client is registered at; external_dcr only, null otherwise. */
  provider_id: string | null;
  published: boolean;
  created_at: string;
  updated_at: string;
}

export type DeveloperStatus = 'pending' | 'active' | 'blocked';

export const DEVELOPER_STATUSES: readonly DeveloperStatus[] = Object.freeze(['pending', 'active', 'blocked']);

/** A developer as anyone outside the developers module sees one: never the password hash. */
export interface Developer {
  id: string;
  email: string;
  status: DeveloperStatus;
  created_at: string;
}

/** A developer's app: one credential for one catalogue entry. */
export interface PortalApp {
  id: string;
  developer_id: string;
  entry_id: string;
  name: string;
  kind: CredentialKind;
  /** api_key: the auth service's key hash (the key itself is shown once, never stored). */
  key_hash: string | null;
  /** oauth_client: our auth service's client id; external_dcr: the provider's client id. */
  client_id: string | null;
  /** external_dcr only. */
  provider_id: string | null;
  created_at: string;
  updated_at: string;
}

/** What a developer sees once, after create or rotate. */
export interface IssuedCredentials {
  app: PortalApp;
  api_key?: string;
  client_id?: string;
  client_secret?: string;
  /** Where to get tokens (oauth_client, external_dcr). */
  token_endpoint?: string;
  gateway_url: string;
  listen_path: string;
  scope?: string;
}

/** The input of CatalogueService.create (and, all fields optional, update). */
export interface CatalogueEntryInput {
  api_id: string;
  policy_id: string;
  name: string;
  description?: string;
  documentation?: string;
  openapi?: Record<string, unknown> | null;
  credential_kind: CredentialKind;
  provider_id?: string | null;
  published?: boolean;
}

/** The input of AppsService.create. */
export interface NewAppInput {
  entry_id: string;
  name: string;
}
