/** The registry's messages: API definitions, policies, client bindings, certificates and the snapshot gateways load, with their subjects. */
import type { ApiDefinition, Policy, StoredCertificate } from '@portcullis/domain';

export const registrySubjects = {
  /** request: everything a gateway needs to serve, with the revision it reflects. */
  registrySnapshot: 'registry.snapshot',
  /** requests: API definition administration, used by the gateway's Tyk-compatible API. */
  registryApisList: 'registry.apis.list',
  registryApisGet: 'registry.apis.get',
  registryApisCreate: 'registry.apis.create',
  registryApisUpdate: 'registry.apis.update',
  registryApisDelete: 'registry.apis.delete',
  /** event: an API definition was created, updated or deleted. */
  registryApiChanged: 'registry.api.changed',
  /** requests: policy administration (native admin API, Tyk's /tyk/policies on the gateway). */
  registryPoliciesList: 'registry.policies.list',
  registryPoliciesGet: 'registry.policies.get',
  registryPoliciesCreate: 'registry.policies.create',
  registryPoliciesUpdate: 'registry.policies.update',
  registryPoliciesDelete: 'registry.policies.delete',
  /**
   * request: which of these API and policy ids the registry does not hold. The auth service asks
   * before it stores a client, key or initial access token naming them, whichever door it came by.
   */
  registryReferencesCheck: 'registry.references.check',
  /**
   * event: a developer-portal app bound (or unbound) an external provider's client to a policy: a
   * gateway trusting that provider takes the client's policies from here (same revision counter).
   */
  registryClientBindingChanged: 'registry.client-binding.changed',
  /** event: a policy was created, updated or deleted (same revision counter as APIs). */
  registryPolicyChanged: 'registry.policy.changed',
  /**
   * requests: Tyk's /tyk/certs, the certificate store. An upload crosses the bus with its private
   * key sealed (certificateKeySeal), never in clear.
   */
  registryCertsAdd: 'registry.certs.add',
  registryCertsList: 'registry.certs.list',
  registryCertsGet: 'registry.certs.get',
  registryCertsDelete: 'registry.certs.delete',
  /** event: a certificate was added or deleted (same revision counter as APIs); its key sealed. */
  registryCertificateChanged: 'registry.certificate.changed',
} as const;

export interface RegistrySnapshot {
  /** The registry's configuration revision this snapshot reflects; events carry the same counter. */
  revision: number;
  apis: ApiDefinition[];
  /** Every policy, read in the same transaction as the APIs. */
  policies: Policy[];
  /** Every external client a developer-portal app binds to policies, read in the same transaction. */
  client_bindings: ClientBinding[];
  /** Every certificate of the store, private keys sealed; absent from a registry without the store. */
  certificates?: StoredCertificate[];
}

/** An upload to /tyk/certs: the PEM text sealed whole by the gateway that took it (it may hold a key). */
export interface CertificateAddRequest {
  sealed_upload: string;
  org_id: string;
}

export interface CertificateListRequest {
  org_id?: string;
  detailed?: boolean;
}

export interface CertificateIdsRequest {
  cert_ids: string[];
}

export interface CertificateIdRequest {
  cert_id: string;
}

/** A distinguished name as Tyk's pkix.Name serialises it (the attributes Portcullis reads). */
export interface PkixName {
  CommonName: string;
  Country: string[];
  Organization: string[];
  OrganizationalUnit: string[];
  Locality: string[];
  Province: string[];
  StreetAddress: string[];
  PostalCode: string[];
  SerialNumber: string;
}

/** Tyk's certs.CertificateMeta (`GET /tyk/certs/{id}`), never with the key. */
export interface CertificateMeta {
  id: string;
  fingerprint: string;
  has_private: boolean;
  is_ca: boolean;
  dns_names: string[];
  issuer: PkixName;
  subject: PkixName;
  not_before: string;
  not_after: string;
  /** Portcullis: not_after has passed (Tyk stores expired certificates too; clients will refuse them). */
  expired: boolean;
}

/** Tyk's certs.CertificateBasics (`GET /tyk/certs?mode=detailed`). */
export interface CertificateBasics {
  id: string;
  issuer_cn: string;
  subject_cn: string;
  dns_names: string[];
  has_private: boolean;
  is_ca: boolean;
  not_before: string;
  not_after: string;
}

export interface CertificateChangedEvent {
  revision: number;
  cert_id: string;
  change: ApiChange;
  certificate: StoredCertificate | null;
}

/**
 * A client registered at an external OpenID provider by the developer portal (RFC 7591), and the
 * policies its tokens get at the gateway: the provider needs no custom claim (a `pol` claim, where
 * the provider sets one, still wins, as in Tyk).
 */
export interface ClientBinding {
  /** The provider's issuer, exactly as its tokens carry it in `iss`. */
  issuer: string;
  client_id: string;
  api_id: string;
  policy_ids: string[];
  /** The portal app that holds the client. */
  app_id: string;
}

export interface ClientBindingChangedEvent {
  revision: number;
  issuer: string;
  client_id: string;
  change: ApiChange;
  /** The binding as it now is; null when the app (and with it the client) is gone. */
  binding: ClientBinding | null;
}

export interface PolicyChangedEvent {
  revision: number;
  policy_id: string;
  change: ApiChange;
  policy: Policy | null;
}

export interface PolicyIdRequest {
  policy_id: string;
}

/** API and policy ids a credential names, to be checked against what the registry holds. */
export interface ReferencesCheckRequest {
  api_ids: string[];
  policy_ids: string[];
}

/** The ids of the request that name nothing, each list in the order asked. */
export interface ReferencesCheckReply {
  missing_api_ids: string[];
  missing_policy_ids: string[];
}

export interface PolicyWriteRequest {
  /** The body as the caller sent it: the registry validates it. */
  policy: unknown;
  /** For update: the id in the URL, which wins over any id in the body. */
  policy_id?: string;
}

export type ApiChange = 'created' | 'updated' | 'deleted';

export interface ApiChangedEvent {
  revision: number;
  api_id: string;
  change: ApiChange;
  /** The definition as it now is; null when deleted. */
  definition: ApiDefinition | null;
}

/** The registry's configuration events, one revision counter for all: what a gateway applies in order. */
export type ConfigChangedEvent = ApiChangedEvent | PolicyChangedEvent | ClientBindingChangedEvent | CertificateChangedEvent;

export interface ApiIdRequest {
  api_id: string;
}

export interface ApiWriteRequest {
  /** The body as the caller sent it: the registry validates it. */
  definition: unknown;
  /** For update: the id in the URL, which wins over any id in the body. */
  api_id?: string;
}

/** Registry request subjects: what each carries and what its reply holds. */
export interface RegistryRequests {
  [registrySubjects.registrySnapshot]: { request: Record<string, never>; reply: RegistrySnapshot };
  [registrySubjects.registryApisList]: { request: Record<string, never>; reply: ApiDefinition[] };
  [registrySubjects.registryApisGet]: { request: ApiIdRequest; reply: ApiDefinition };
  [registrySubjects.registryApisCreate]: { request: ApiWriteRequest; reply: ApiDefinition };
  [registrySubjects.registryApisUpdate]: { request: ApiWriteRequest & ApiIdRequest; reply: ApiDefinition };
  [registrySubjects.registryApisDelete]: { request: ApiIdRequest; reply: ApiIdRequest };
  [registrySubjects.registryPoliciesList]: { request: Record<string, never>; reply: Policy[] };
  [registrySubjects.registryPoliciesGet]: { request: PolicyIdRequest; reply: Policy };
  [registrySubjects.registryPoliciesCreate]: { request: PolicyWriteRequest; reply: Policy };
  [registrySubjects.registryPoliciesUpdate]: { request: PolicyWriteRequest & PolicyIdRequest; reply: Policy };
  [registrySubjects.registryPoliciesDelete]: { request: PolicyIdRequest; reply: PolicyIdRequest };
  [registrySubjects.registryCertsAdd]: { request: CertificateAddRequest; reply: CertificateMeta };
  [registrySubjects.registryCertsList]: { request: CertificateListRequest; reply: string[] | CertificateBasics[] };
  [registrySubjects.registryCertsGet]: { request: CertificateIdsRequest; reply: CertificateMeta[] };
  [registrySubjects.registryCertsDelete]: { request: CertificateIdRequest; reply: CertificateIdRequest };
  [registrySubjects.registryReferencesCheck]: { request: ReferencesCheckRequest; reply: ReferencesCheckReply };
}

/** Registry event subjects and their payloads. */
export interface RegistryEvents {
  [registrySubjects.registryApiChanged]: ApiChangedEvent;
  [registrySubjects.registryPolicyChanged]: PolicyChangedEvent;
  [registrySubjects.registryClientBindingChanged]: ClientBindingChangedEvent;
  [registrySubjects.registryCertificateChanged]: CertificateChangedEvent;
}
