import type { ApiDefinition, OAuthClient, Policy, Session } from '@portcullis/domain';
import type { ErrorBody } from '@portcullis/errors';
import type { subjects } from './subjects.js';

/** A reply that carries a failure as data: a 409 in the registry stays a 409 at the gateway. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export interface RegistrySnapshot {
  /** The registry's configuration revision this snapshot reflects; events carry the same counter. */
  revision: number;
  apis: ApiDefinition[];
  /** Every policy, read in the same transaction as the APIs. */
  policies: Policy[];
  /** Every external client a developer-portal app binds to policies, read in the same transaction. */
  client_bindings: ClientBinding[];
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

export interface TokenIntrospectionRequest {
  token: string;
}

/** An opaque access token as the auth service knows it (RFC 7662 field names). */
export type TokenIntrospection =
  | { active: false }
  | {
      active: true;
      jti: string;
      client_id: string;
      sub: string;
      scope: string;
      /** The APIs the token may call. */
      aud: string[];
      /** The auth service's issuer: with `sub`, the caller's identity, as for its JWTs. */
      iss: string;
      /** Seconds since the epoch. */
      iat: number;
      exp: number;
      /** The policies the token carries. */
      pol: string[];
    };

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

/** A key as shown to admins: the key itself only at creation; otherwise its hash identifies it. */
export interface KeyRecord {
  /** The key, present only in the reply that created it (Tyk's `key`). */
  key?: string;
  /** SHA-256 of the key, hex: how admins and gateways refer to it afterwards (Tyk's `key_hash`). */
  key_hash: string;
  session: Session;
  /** HMAC keys: the generated shared secret, present only in the reply that created it. */
  hmac_string?: string;
}

export interface KeyRefRequest {
  /** The key itself, or its hash (Tyk accepts either with `hashed=true`). */
  key: string;
  hashed?: boolean;
}

export interface KeyWriteRequest {
  /** The session as the caller sent it: the auth service validates it. */
  session: unknown;
  /** Tyk lets a key be chosen (POST /tyk/keys/{key}); generated when absent. */
  key?: string;
  /**
   * Create only: seconds the key lives when its session applies policies and sets no `expires`
   * (the policies' `key_expires_in`; the caller holds the policies, the auth service does not).
   */
  key_expires_in?: number;
}

export interface OAuth1ConsumerCreateRequest {
  name?: string;
  org_id?: string;
}

/** An OAuth 1.0a consumer; the secret is present only in the reply that created it. */
export interface OAuth1Consumer {
  consumer_key: string;
  consumer_secret?: string;
  name: string;
  org_id: string;
  created_at: string;
}

/** One signed request's nonce: unique per consumer, token and timestamp (RFC 5849 §3.3). */
export interface OAuth1NonceClaimRequest {
  consumer_key: string;
  /** The token credentials' identifier; '' for a request signed with the consumer's alone. */
  token: string;
  /** `oauth_timestamp`: seconds since the epoch. */
  timestamp: number;
  nonce: string;
}

/** `fresh`: no request had used this nonce before (it is spent now); false: a replay, or a timestamp outside the window. */
export interface OAuth1NonceClaimReply {
  fresh: boolean;
}

export interface OAuth1TokenCreateRequest {
  consumer_key: string;
  /** The session the token carries, as the caller sent it: the auth service validates it. */
  session: unknown;
  key_expires_in?: number;
}

/** OAuth 1.0a token credentials (shown once); the token is a key: `key_hash` is its SHA-256. */
export interface OAuth1TokenRecord {
  consumer_key: string;
  token: string;
  token_secret: string;
  key_hash: string;
  session: Session;
}

export type CredentialKind = 'key' | 'basic' | 'hmac' | 'oauth1';

/** What a gateway presents to resolve an identity. Secrets needed to check signatures come back; passwords never do. */
export interface KeyLookupRequest {
  kind: CredentialKind;
  /** key: the key; basic: the username; hmac: the keyId; oauth1: the consumer key. */
  id: string;
  /** basic: the password, checked by the auth service. */
  password?: string;
  /** oauth1: the access token. */
  token?: string;
}

export interface KeyLookupReply {
  found: boolean;
  key_hash?: string;
  session?: Session;
  /** hmac: the shared secret; oauth1: consumer secret & token secret (needed to verify signatures). */
  secrets?: Record<string, string>;
}

export interface KeyChangedEvent {
  key_hash: string;
  change: ApiChange;
}

export interface QuotaLeaseRequest {
  /** Whose quota: the key hash (or token subject) the usage counts against. */
  identity: string;
  /** How many units the gateway wants to spend locally. */
  units: number;
  quota_max: number;
  quota_renewal_rate: number;
}

export interface QuotaLeaseReply {
  granted: number;
  remaining: number;
  /** Seconds since the epoch when the quota renews. */
  renews_at: number;
}

export interface GatewayHeartbeat {
  gateway_id: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface CachePurgeEvent {
  api_id: string;
}

export interface AnalyticsRecord {
  /** Milliseconds since the epoch. */
  at: number;
  api_id: string;
  /** SHA-256 of the identity (key hash, token subject): never the credential. */
  identity?: string;
  oauth_client_id?: string;
  method: string;
  path: string;
  status: number;
  upstream_ms: number;
  total_ms: number;
  bytes_in: number;
  bytes_out: number;
  auth_result: 'ok' | 'keyless' | 'missing' | 'invalid' | 'forbidden' | 'rate_limited' | 'quota_exceeded';
}

export interface AnalyticsBatch {
  gateway_id: string;
  /** Unique per batch: the registry stores a batch once even if JetStream redelivers it. */
  batch_id: string;
  records: AnalyticsRecord[];
}

export type ApiChange = 'created' | 'updated' | 'deleted';

export interface ApiChangedEvent {
  revision: number;
  api_id: string;
  change: ApiChange;
  /** The definition as it now is; null when deleted. */
  definition: ApiDefinition | null;
}

export interface ApiIdRequest {
  api_id: string;
}

export interface ApiWriteRequest {
  /** The body as the caller sent it: the registry validates it. */
  definition: unknown;
  /** For update: the id in the URL, which wins over any id in the body. */
  api_id?: string;
}

/** A client as created or after a secret rotation: the only time its secret is ever shown. */
export interface OAuthClientWithSecret extends OAuthClient {
  client_secret?: string;
}

export interface ClientIdRequest {
  client_id: string;
}

export interface ClientWriteRequest {
  /** The body as the caller sent it: the auth service validates it. */
  input: unknown;
}

export interface ClientUpdateRequest extends ClientIdRequest {
  input: unknown;
}

export interface ClientListRequest {
  /** Only the clients allowed to call this API. */
  api_id?: string;
}

/** What an admin may see of an issued token: never the token itself. */
export interface TokenSummary {
  jti: string;
  client_id: string;
  sub: string;
  scope: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  revoked: boolean;
}

/** Tyk's authorize-client form: the app's back end approving after its own login page. */
export interface AuthorizeClientRequest {
  api_id: string;
  response_type: string;
  client_id: string;
  redirect_uri: string;
  state?: string;
  scope?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  /** The resource owner the app logged in; Tyk's `key_rules` identity. */
  sub?: string;
  key_rules?: unknown;
}

export interface AuthorizeClientReply {
  code: string;
  redirect_to: string;
}

/** RFC 7009 over the bus: the client authenticates as it would at the revocation endpoint. */
export interface RevokeRequest {
  client_id: string;
  client_secret?: string;
  token?: string;
  token_type_hint?: string;
}

export interface InitialAccessTokenRequest {
  /** Seconds until it expires; absent means the default. */
  expires_in?: number;
  /** How many registrations it allows; absent means one. */
  uses?: number;
  /** What clients registered with it may call and the policies their tokens carry (a registering client cannot choose these). */
  api_ids?: string[];
  policy_ids?: string[];
}

export interface InitialAccessTokenReply {
  token: string;
  expires_at: number;
}

/** A resource-owner user as an admin sees it: never the password or its hash. */
export interface UserSummary {
  id: string;
  username: string;
  /** ISO 8601. */
  created_at: string;
  disabled: boolean;
}

export interface UserCreateRequest {
  username: string;
  password: string;
}

export interface UserIdRequest {
  id: string;
}

/** Tyk's key-change notification settings of an API (`notifications` in its definition). */
export interface KeyChangeNotifications {
  oauth_on_keychange_url: string;
  shared_secret: string;
}

export interface OAuthTokenRequest {
  /** The API whose `{listen_path}/oauth/token/` was called. */
  api_id: string;
  /** The request's Authorization header, if any (client_secret_basic). */
  authorization?: string;
  content_type?: string;
  /** The raw form body, exactly as received. */
  body: string;
  /** The API's allowed grant types (Tyk's `oauth_meta.allowed_access_types`); absent means no API restriction. */
  allowed_grant_types?: string[];
  /** Per-API lifetimes, in seconds; a client's own settings win over these. */
  access_token_ttl?: number;
  refresh_token_ttl?: number;
  /** Where to tell the API's owner about new and refreshed tokens (Tyk's notifications). */
  notifications?: KeyChangeNotifications;
}

/** An HTTP answer carried over the bus, for the gateway to write out as it is. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Jwks {
  keys: Record<string, unknown>[];
}

export interface TokenIssuedEvent {
  jti: string;
  client_id: string;
  sub: string;
  exp: number;
  api_ids: string[];
}

export interface TokenRevokedEvent {
  jti: string;
  /** Until when a denylist must remember it: after that the token is expired anyway. */
  exp: number;
}

export interface KeysRotatedEvent {
  kid: string;
}

export interface ClientChangedEvent {
  client_id: string;
  change: 'created' | 'updated' | 'deleted';
}

/** Request subjects: what each carries and what its reply holds. */
export interface RequestContracts {
  [subjects.registrySnapshot]: { request: Record<string, never>; reply: RegistrySnapshot };
  [subjects.registryApisList]: { request: Record<string, never>; reply: ApiDefinition[] };
  [subjects.registryApisGet]: { request: ApiIdRequest; reply: ApiDefinition };
  [subjects.registryApisCreate]: { request: ApiWriteRequest; reply: ApiDefinition };
  [subjects.registryApisUpdate]: { request: ApiWriteRequest & ApiIdRequest; reply: ApiDefinition };
  [subjects.registryApisDelete]: { request: ApiIdRequest; reply: ApiIdRequest };
  [subjects.authPing]: { request: Record<string, never>; reply: { service: 'auth' } };
  [subjects.registryPoliciesList]: { request: Record<string, never>; reply: Policy[] };
  [subjects.registryPoliciesGet]: { request: PolicyIdRequest; reply: Policy };
  [subjects.registryPoliciesCreate]: { request: PolicyWriteRequest; reply: Policy };
  [subjects.registryPoliciesUpdate]: { request: PolicyWriteRequest & PolicyIdRequest; reply: Policy };
  [subjects.registryPoliciesDelete]: { request: PolicyIdRequest; reply: PolicyIdRequest };
  [subjects.registryReferencesCheck]: { request: ReferencesCheckRequest; reply: ReferencesCheckReply };
  [subjects.authKeysCreate]: { request: KeyWriteRequest; reply: KeyRecord };
  [subjects.authKeysGet]: { request: KeyRefRequest; reply: KeyRecord };
  [subjects.authKeysUpdate]: { request: KeyRefRequest & KeyWriteRequest; reply: KeyRecord };
  [subjects.authKeysDelete]: { request: KeyRefRequest; reply: { key_hash: string } };
  [subjects.authKeysList]: { request: Record<string, never>; reply: KeyRecord[] };
  [subjects.authKeysLookup]: { request: KeyLookupRequest; reply: KeyLookupReply };
  [subjects.authQuotaLease]: { request: QuotaLeaseRequest; reply: QuotaLeaseReply };
  [subjects.authOAuth1ConsumersCreate]: { request: OAuth1ConsumerCreateRequest; reply: OAuth1Consumer };
  [subjects.authOAuth1TokensCreate]: { request: OAuth1TokenCreateRequest; reply: OAuth1TokenRecord };
  [subjects.authOAuth1NoncesClaim]: { request: OAuth1NonceClaimRequest; reply: OAuth1NonceClaimReply };
  [subjects.authClientsCreate]: { request: ClientWriteRequest; reply: OAuthClientWithSecret };
  [subjects.authClientsList]: { request: ClientListRequest; reply: OAuthClient[] };
  [subjects.authClientsGet]: { request: ClientIdRequest; reply: OAuthClient };
  [subjects.authClientsUpdate]: { request: ClientUpdateRequest; reply: OAuthClient };
  [subjects.authClientsDelete]: { request: ClientIdRequest; reply: ClientIdRequest };
  [subjects.authClientsRotateSecret]: { request: ClientIdRequest; reply: OAuthClientWithSecret };
  [subjects.authClientsTokens]: { request: ClientIdRequest; reply: TokenSummary[] };
  [subjects.authClientsUnlock]: { request: ClientIdRequest; reply: ClientIdRequest };
  [subjects.authAuthorizeClient]: { request: AuthorizeClientRequest; reply: AuthorizeClientReply };
  [subjects.authTokensRevoke]: { request: RevokeRequest; reply: { revoked: boolean } };
  [subjects.authTokensRevokeAll]: { request: RevokeRequest; reply: { revoked: number } };
  [subjects.authOAuthToken]: { request: OAuthTokenRequest; reply: HttpReply };
  [subjects.authJwks]: { request: Record<string, never>; reply: Jwks };
  [subjects.authTokensIntrospect]: { request: TokenIntrospectionRequest; reply: TokenIntrospection };
  [subjects.authInitialAccessTokensCreate]: { request: InitialAccessTokenRequest; reply: InitialAccessTokenReply };
  [subjects.authKeysRotate]: { request: Record<string, never>; reply: { kid: string } };
  [subjects.authUsersCreate]: { request: UserCreateRequest; reply: UserSummary };
  [subjects.authUsersList]: { request: Record<string, never>; reply: UserSummary[] };
  [subjects.authUsersDelete]: { request: UserIdRequest; reply: UserIdRequest };
  [subjects.authUsersUnlock]: { request: UserIdRequest; reply: UserIdRequest };
}

/** Event subjects and their payloads. */
export interface EventContracts {
  [subjects.registryApiChanged]: ApiChangedEvent;
  [subjects.registryPolicyChanged]: PolicyChangedEvent;
  [subjects.registryClientBindingChanged]: ClientBindingChangedEvent;
  [subjects.authKeyChanged]: KeyChangedEvent;
  [subjects.gatewayHeartbeat]: GatewayHeartbeat;
  [subjects.gatewayCachePurge]: CachePurgeEvent;
  [subjects.analyticsRecords]: AnalyticsBatch;
  [subjects.authTokenIssued]: TokenIssuedEvent;
  [subjects.authTokenRevoked]: TokenRevokedEvent;
  [subjects.authKeysRotated]: KeysRotatedEvent;
  [subjects.authClientChanged]: ClientChangedEvent;
}

export type RequestSubject = keyof RequestContracts;
export type EventSubject = keyof EventContracts;
export type RequestOf<K extends RequestSubject> = RequestContracts[K]['request'];
export type ReplyOf<K extends RequestSubject> = RequestContracts[K]['reply'];
export type EventOf<K extends EventSubject> = EventContracts[K];
