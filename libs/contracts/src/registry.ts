/** The registry's messages: API definitions, policies, client bindings, certificates and the snapshot gateways load, with their subjects. */
import type { ApiDefinition, Policy, StoredCertificate } from '@portcullis/domain';
import { z } from 'zod';
import { changeSchema, checkedByService, emptySchema, requiredString } from './payload.js';

export const registrySubjects = {
  /**
   * request: everything a gateway needs to serve, with the revision it reflects, one page at a time
   * (a reply must stay under NATS's max_payload): `{}` asks for the first page of a fresh snapshot,
   * `{ snapshot_id, page }` for the next ones of that same snapshot (see RegistrySnapshotPage).
   */
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
  /**
   * event: an admin started or cancelled a debug session (every request of one caller kept as a
   * request log until it expires); same revision counter as APIs, so a gateway misses none.
   */
  registryDebugSessionChanged: 'registry.debug-session.changed',
  /**
   * event: many API and policy changes under one revision (an import), applied by a gateway as one
   * step. A large import is split into several, each with the next revision (see ConfigBatchEvent).
   */
  registryConfigBatch: 'registry.config.batch',
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
  /** The debug sessions not yet expired; absent from a registry without them. */
  debug_sessions?: DebugSession[];
}

/**
 * Which page of the snapshot a gateway asks for. Without snapshot_id: the first page of a snapshot
 * built now (a small configuration fits in it, one request). With it: a later page of the snapshot
 * the first page named, so all pages reflect one revision; one the registry no longer holds (and
 * cannot rebuild identically) is refused with `conflict`, and the gateway starts again.
 */
export interface RegistrySnapshotRequest {
  snapshot_id?: string;
  page?: number;
}

/**
 * One page of a snapshot: the snapshot's fields, each array holding this page's share of it (the
 * registry cuts pages by their size in bytes). Appending the arrays of pages 0 to pages-1 gives the
 * snapshot; every page carries the same snapshot_id (a digest of the whole) and revision.
 */
export interface RegistrySnapshotPage extends RegistrySnapshot {
  snapshot_id: string;
  /** 0-based. */
  page: number;
  /** How many pages the snapshot has (at least 1). */
  pages: number;
}

/** The snapshot's arrays, in the order the registry fills pages (APIs, the bulk, last). */
export const snapshotPageSections = ['policies', 'client_bindings', 'certificates', 'debug_sessions', 'apis'] as const;

/**
 * An admin's request-log session for one caller: while it lasts, every request of that caller (on
 * any API with analytics) is kept as a request log. The caller is an identity (the SHA-256 hash the
 * gateway counts under: a key's, or a token's issuer and subject) or an OAuth client; never a credential.
 */
export interface DebugSession {
  id: string;
  /** Exactly one of identity and oauth_client_id. */
  identity?: string;
  oauth_client_id?: string;
  /** Milliseconds since the epoch. */
  created_at: number;
  /** Milliseconds since the epoch: gateways stop keeping the caller's requests then, by themselves. */
  expires_at: number;
}

export interface DebugSessionChangedEvent {
  revision: number;
  session_id: string;
  /** 'created', or 'deleted' (cancelled). */
  change: ApiChange;
  session: DebugSession | null;
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

/**
 * Many changes under one revision (an import): policies first, then APIs, each applied as its own
 * event would be. One event stays well under NATS's default 1 MB message limit, so a large import
 * is published as several batches with consecutive revisions (the rows carry their batch's).
 */
export interface ConfigBatchEvent {
  revision: number;
  policies: Omit<PolicyChangedEvent, 'revision'>[];
  apis: Omit<ApiChangedEvent, 'revision'>[];
}

/** The registry's configuration events, one revision counter for all: what a gateway applies in order. */
export type ConfigChangedEvent =
  ApiChangedEvent | PolicyChangedEvent | ClientBindingChangedEvent | CertificateChangedEvent | DebugSessionChangedEvent | ConfigBatchEvent;

export interface ApiIdRequest {
  api_id: string;
}

export interface ApiWriteRequest {
  /** The body as the caller sent it: the registry validates it. */
  definition: unknown;
  /** For update: the id in the URL, which wins over any id in the body. */
  api_id?: string;
}

// Runtime schemas, one per payload a handler receives. Definitions and policies were validated in
// full by the registry when stored: a receiver checks what it indexes them by, and trusts the rest.
const apiDefinitionShape = z.looseObject({ api_id: requiredString(), proxy: z.looseObject({}) }) as unknown as z.ZodType<ApiDefinition>;
const policyShape = z.looseObject({ id: requiredString() }) as unknown as z.ZodType<Policy>;
const revisionSchema = z.int().min(0);

export const storedCertificateSchema = z.object({
  id: requiredString(),
  org_id: z.string(),
  cert_pem: z.string(),
  sealed_key: z.string().nullable(),
}) satisfies z.ZodType<StoredCertificate>;

export const clientBindingSchema = z.object({
  issuer: z.string(),
  client_id: z.string(),
  api_id: z.string(),
  policy_ids: z.array(z.string()),
  app_id: z.string(),
}) satisfies z.ZodType<ClientBinding>;

export const debugSessionSchema = z
  .object({
    id: requiredString(),
    identity: z.string().min(1).optional(),
    oauth_client_id: z.string().min(1).optional(),
    created_at: z.number(),
    expires_at: z.number(),
  })
  .refine(
    (s) => (s.identity === undefined) !== (s.oauth_client_id === undefined),
    'must name exactly one of identity and oauth_client_id',
  ) satisfies z.ZodType<DebugSession>;

/** The snapshot a gateway asks for: checked by the asker, since a malformed one must never read as "no APIs". */
export const registrySnapshotSchema = z.object({
  revision: revisionSchema,
  apis: z.array(apiDefinitionShape),
  policies: z.array(policyShape),
  // Absent from a registry older than the developer portal (no bindings then) or the certificate store.
  client_bindings: z
    .array(clientBindingSchema)
    .optional()
    .transform((bindings) => bindings ?? []),
  certificates: z.array(storedCertificateSchema).optional(),
  debug_sessions: z.array(debugSessionSchema).optional(),
}) satisfies z.ZodType<RegistrySnapshot>;

/**
 * A snapshot page as the gateway checks it before assembling: the envelope in full, the arrays as
 * arrays. Their items are checked once, by registrySnapshotSchema, on the assembled snapshot.
 */
export const registrySnapshotPageEnvelopeSchema = z
  .object({
    snapshot_id: requiredString(),
    revision: revisionSchema,
    page: z.int().min(0),
    pages: z.int().min(1),
    apis: z.array(z.unknown()),
    policies: z.array(z.unknown()),
    client_bindings: z.array(z.unknown()).optional(),
    certificates: z.array(z.unknown()).optional(),
    debug_sessions: z.array(z.unknown()).optional(),
  })
  .refine((p) => p.page < p.pages, { path: ['page'], message: 'must be below pages' });

const registrySnapshotRequestSchema = z
  .object({ snapshot_id: z.string().min(1).optional(), page: z.int().min(0).default(0) })
  .refine((r) => r.page === 0 || r.snapshot_id !== undefined, {
    path: ['snapshot_id'],
    message: 'is required for a page after the first',
  }) satisfies z.ZodType<RegistrySnapshotRequest>;

/** A change that is not a deletion carries the object, under the id the event names. */
function carriesObject(change: ApiChange, value: unknown, field: string, idMatches: boolean, ctx: z.core.$RefinementCtx): void {
  if (change !== 'deleted' && (value === null || !idMatches))
    ctx.addIssue({ code: 'custom', path: [field], message: `must be the ${change} object, under the event's id` });
}

const apiChangeFields = { api_id: z.string(), change: changeSchema, definition: apiDefinitionShape.nullable() };
const apiChangeCarries = (e: Omit<ApiChangedEvent, 'revision'>, ctx: z.core.$RefinementCtx) =>
  carriesObject(e.change, e.definition, 'definition', e.definition?.api_id === e.api_id, ctx);
const policyChangeFields = { policy_id: z.string(), change: changeSchema, policy: policyShape.nullable() };
const policyChangeCarries = (e: Omit<PolicyChangedEvent, 'revision'>, ctx: z.core.$RefinementCtx) =>
  carriesObject(e.change, e.policy, 'policy', e.policy?.id === e.policy_id, ctx);

export const apiChangedEventSchema = z
  .object({ revision: revisionSchema, ...apiChangeFields })
  .superRefine(apiChangeCarries) satisfies z.ZodType<ApiChangedEvent>;

export const policyChangedEventSchema = z
  .object({ revision: revisionSchema, ...policyChangeFields })
  .superRefine(policyChangeCarries) satisfies z.ZodType<PolicyChangedEvent>;

export const configBatchEventSchema = z.object({
  revision: revisionSchema,
  policies: z.array(z.object(policyChangeFields).superRefine(policyChangeCarries)),
  apis: z.array(z.object(apiChangeFields).superRefine(apiChangeCarries)),
}) satisfies z.ZodType<ConfigBatchEvent>;

export const clientBindingChangedEventSchema = z
  .object({ revision: revisionSchema, issuer: z.string(), client_id: z.string(), change: changeSchema, binding: clientBindingSchema.nullable() })
  .superRefine((e, ctx) => {
    if (e.change === 'deleted' && e.binding !== null) ctx.addIssue({ code: 'custom', path: ['binding'], message: 'must be null when deleted' });
    carriesObject(e.change, e.binding, 'binding', e.binding?.issuer === e.issuer && e.binding.client_id === e.client_id, ctx);
  }) satisfies z.ZodType<ClientBindingChangedEvent>;

export const certificateChangedEventSchema = z
  .object({ revision: revisionSchema, cert_id: z.string(), change: changeSchema, certificate: storedCertificateSchema.nullable() })
  .superRefine((e, ctx) =>
    carriesObject(e.change, e.certificate, 'certificate', e.certificate?.id === e.cert_id, ctx),
  ) satisfies z.ZodType<CertificateChangedEvent>;

export const debugSessionChangedEventSchema = z
  .object({ revision: revisionSchema, session_id: z.string(), change: changeSchema, session: debugSessionSchema.nullable() })
  .superRefine((e, ctx) => carriesObject(e.change, e.session, 'session', e.session?.id === e.session_id, ctx)) satisfies z.ZodType<DebugSessionChangedEvent>;

/** Named as a whole: which id of the list is bad matters less than the rule. */
const certificateIdsSchema = z.custom<string[]>(
  (ids) => Array.isArray(ids) && ids.length > 0 && ids.length <= 100 && ids.every((id) => typeof id === 'string' && id.length > 0),
  'must be 1 to 100 ids',
);

const apiIdRequestSchema = z.object({ api_id: requiredString() }) satisfies z.ZodType<ApiIdRequest>;
const policyIdRequestSchema = z.object({ policy_id: requiredString() }) satisfies z.ZodType<PolicyIdRequest>;
const apiWriteRequestSchema = z.object({ definition: checkedByService(), api_id: z.string().optional() }) satisfies z.ZodType<ApiWriteRequest>;
const policyWriteRequestSchema = z.object({ policy: checkedByService(), policy_id: z.string().optional() }) satisfies z.ZodType<PolicyWriteRequest>;

/** The request schemas of the registry's subjects, one per subject (a test keeps it complete). */
export const registryRequestSchemas = {
  [registrySubjects.registrySnapshot]: registrySnapshotRequestSchema,
  [registrySubjects.registryApisList]: emptySchema,
  [registrySubjects.registryApisGet]: apiIdRequestSchema,
  // The definition is validated in full by the registry's service (Tyk compatibility table and all).
  [registrySubjects.registryApisCreate]: apiWriteRequestSchema,
  [registrySubjects.registryApisUpdate]: apiWriteRequestSchema.extend(apiIdRequestSchema.shape),
  [registrySubjects.registryApisDelete]: apiIdRequestSchema,
  [registrySubjects.registryPoliciesList]: emptySchema,
  [registrySubjects.registryPoliciesGet]: policyIdRequestSchema,
  [registrySubjects.registryPoliciesCreate]: policyWriteRequestSchema,
  [registrySubjects.registryPoliciesUpdate]: policyWriteRequestSchema.extend(policyIdRequestSchema.shape),
  [registrySubjects.registryPoliciesDelete]: policyIdRequestSchema,
  // The upload is opened and checked by the certificate service (its errors name sealed_upload).
  [registrySubjects.registryCertsAdd]: z.object({
    sealed_upload: requiredString(),
    org_id: z
      .string()
      .optional()
      .transform((org) => org ?? ''),
  }),
  // Filters: one of another type reads as absent.
  [registrySubjects.registryCertsList]: z.object({ org_id: z.string().optional().catch(undefined), detailed: z.boolean().optional().catch(undefined) }),
  [registrySubjects.registryCertsGet]: z.object({ cert_ids: certificateIdsSchema }),
  [registrySubjects.registryCertsDelete]: z.object({ cert_id: requiredString() }),
  // Bounded and deduplicated by the registry's References, which names either list when it is not one.
  [registrySubjects.registryReferencesCheck]: z.object({ api_ids: z.array(z.string()).default([]), policy_ids: z.array(z.string()).default([]) }),
} satisfies { [K in keyof RegistryRequests]: z.ZodType<RegistryRequests[K]['request']> };

/** The payload schemas of the registry's events. */
export const registryEventSchemas = {
  [registrySubjects.registryApiChanged]: apiChangedEventSchema,
  [registrySubjects.registryPolicyChanged]: policyChangedEventSchema,
  [registrySubjects.registryClientBindingChanged]: clientBindingChangedEventSchema,
  [registrySubjects.registryCertificateChanged]: certificateChangedEventSchema,
  [registrySubjects.registryDebugSessionChanged]: debugSessionChangedEventSchema,
  [registrySubjects.registryConfigBatch]: configBatchEventSchema,
} satisfies { [K in keyof RegistryEvents]: z.ZodType<RegistryEvents[K]> };

/** Registry request subjects: what each carries and what its reply holds. */
export interface RegistryRequests {
  [registrySubjects.registrySnapshot]: { request: RegistrySnapshotRequest; reply: RegistrySnapshotPage };
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
  [registrySubjects.registryDebugSessionChanged]: DebugSessionChangedEvent;
  [registrySubjects.registryConfigBatch]: ConfigBatchEvent;
}
