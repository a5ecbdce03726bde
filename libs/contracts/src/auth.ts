/** The auth service's messages: keys and other credentials, OAuth clients, tokens, users, signing keys, with their subjects. */
import type { OAuthClient, Session, StandardClaims } from '@portcullis/domain';
import { z } from 'zod';
import { changeSchema, checkedByService, emptySchema, requiredString } from './payload.js';
import type { ApiChange } from './registry.js';

export const authSubjects = {
  /** requests: Tyk's /tyk/keys — API keys and their sessions, kept by the auth service. */
  authKeysCreate: 'auth.keys.create',
  authKeysGet: 'auth.keys.get',
  authKeysUpdate: 'auth.keys.update',
  authKeysDelete: 'auth.keys.delete',
  authKeysList: 'auth.keys.list',
  /** request: a gateway resolves a presented key (or basic-auth / HMAC / OAuth 1.0a credential) to its session. */
  authKeysLookup: 'auth.keys.lookup',
  /** event: a key's session changed or the key is gone: gateways drop what they cached for it. */
  authKeyChanged: 'auth.key.changed',
  /** request: a gateway takes a share of an identity's quota to spend locally (durable counters in auth). */
  authQuotaLease: 'auth.quota.lease',
  /** requests (admin): OAuth 1.0a consumer credentials, and token credentials (with a session) for a consumer; secrets shown once. */
  authOAuth1ConsumersCreate: 'auth.oauth1.consumers.create',
  authOAuth1TokensCreate: 'auth.oauth1.tokens.create',
  /**
   * request: a gateway spends an OAuth 1.0a nonce for the whole fleet (RFC 5849 §3.3), once the
   * request's signature checked out: a captured request replayed to another gateway is refused too.
   */
  authOAuth1NoncesClaim: 'auth.oauth1.nonces.claim',
  /** request: liveness of the auth service over the bus. */
  authPing: 'auth.ping',
  /** requests: OAuth client administration (native admin API on the registry, Tyk's /tyk/oauth/ on the gateway). */
  authClientsCreate: 'auth.clients.create',
  authClientsList: 'auth.clients.list',
  authClientsGet: 'auth.clients.get',
  authClientsUpdate: 'auth.clients.update',
  authClientsDelete: 'auth.clients.delete',
  authClientsRotateSecret: 'auth.clients.rotate-secret',
  authClientsTokens: 'auth.clients.tokens',
  /** request (admin): lift the brute-force lock on a client_id (docs/oauth.md "Brute-force throttles"). */
  authClientsUnlock: 'auth.clients.unlock',
  /** request: Tyk's authorize-client: the app's back end approves an authorization request. */
  authAuthorizeClient: 'auth.oauth.authorize-client',
  /** requests: RFC 7009 revocation as Tyk's /tyk/oauth/revoke and revoke_all (client authentication required). */
  authTokensRevoke: 'auth.tokens.revoke',
  authTokensRevokeAll: 'auth.tokens.revoke-all',
  /**
   * request: a token request that reached `{listen_path}/oauth/token/` on a gateway, handed to the
   * auth service with the API it came through (NATS is the trusted side: no header can forge it).
   */
  authOAuthToken: 'auth.oauth.token',
  /**
   * request: a gateway checks an opaque access token (a client with `access_token_format: opaque`)
   * with the auth service, RFC 7662 style; it caches the answer briefly.
   */
  authTokensIntrospect: 'auth.tokens.introspect',
  /** request: the current JWKS (public keys only). */
  authJwks: 'auth.jwks',
  /** request (admin): issue an RFC 7591 initial access token. */
  authInitialAccessTokensCreate: 'auth.initial-access-tokens.create',
  /** requests (admin): resource-owner users of the built-in login page and the password grant. */
  authUsersCreate: 'auth.users.create',
  authUsersList: 'auth.users.list',
  authUsersDelete: 'auth.users.delete',
  /** requests (admin): one user, and a change to the user's OpenID Connect standard claims. */
  authUsersGet: 'auth.users.get',
  authUsersUpdate: 'auth.users.update',
  /** request (admin): lift the brute-force lock on a user's logins. */
  authUsersUnlock: 'auth.users.unlock',
  /** requests (admin): a user's login sessions at the auth service, and ending them. */
  authSessionsList: 'auth.sessions.list',
  authSessionsRevoke: 'auth.sessions.revoke',
  /** requests (admin): the consents a user gave clients, and forgetting them. */
  authConsentsList: 'auth.consents.list',
  authConsentsRevoke: 'auth.consents.revoke',
  /** request (admin): rotate the signing key now. */
  authKeysRotate: 'auth.keys.rotate',
  /** events: what gateways keep their caches and denylists exact with. */
  authTokenIssued: 'auth.token.issued',
  authTokenRevoked: 'auth.token.revoked',
  authKeysRotated: 'auth.keys.rotated',
  authClientChanged: 'auth.client.changed',
} as const;

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

/** The kinds of credential a gateway asks the auth service to resolve (not the portal's credential kinds). */
export type KeyLookupKind = 'key' | 'basic' | 'hmac' | 'oauth1';

/** What a gateway presents to resolve an identity. Secrets needed to check signatures come back; passwords never do. */
export interface KeyLookupRequest {
  kind: KeyLookupKind;
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

/**
 * A resource-owner user as an admin sees it: never the password or its hash. Its OpenID Connect
 * standard claims (OIDC Core §5.1) sit beside the account's fields, those set only.
 */
export type UserSummary = StandardClaims & {
  id: string;
  username: string;
  /** ISO 8601. */
  created_at: string;
  /** ISO 8601: when the claims last changed (the creation time until then); userinfo's `updated_at`. */
  updated_at: string;
  disabled: boolean;
};

export interface UserCreateRequest {
  username: string;
  password: string;
  /** The standard claims to start with; the auth service validates them (standardClaimsSchema). */
  claims?: unknown;
}

/** A change to a user's claims: each one given replaces the old value, null removes it (RFC 7396 style). */
export interface UserUpdateRequest {
  id: string;
  claims: unknown;
}

export interface UserIdRequest {
  id: string;
}

/** A login session at the auth service, as an admin sees it (never its token). */
export interface LoginSessionSummary {
  id: string;
  user_id: string;
  /** ISO 8601: when the user entered the password (the ID Token's auth_time). */
  auth_time: string;
  amr: string[];
  expires_at: string;
}

/** One session of a user (`id`), or every one (no `id`). */
export interface SessionRevokeRequest {
  user_id: string;
  id?: string;
}

/** What a user approved for a client. */
export interface ConsentSummary {
  user_id: string;
  client_id: string;
  scope: string;
  /** ISO 8601. */
  granted_at: string;
}

/** One client's consent (`client_id`), or every one (no `client_id`). */
export interface ConsentRevokeRequest {
  user_id: string;
  client_id?: string;
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

// Runtime schemas, one per payload a handler receives. Bodies typed `unknown` (a session, a client's
// input) are validated in full by the service that owns them; a schema checks the envelope.
const KEY_HASH = /^[0-9a-f]{64}$/i;
const MAX_LEASE_UNITS = 1_000_000;
const MAX_RENEWAL_SECONDS = 10 * 365 * 24 * 3600;
const integerFrom = (min: number, max: number) =>
  z
    .int({ error: `must be an integer from ${min} to ${max}` })
    .min(min, `must be an integer from ${min} to ${max}`)
    .max(max, `must be an integer from ${min} to ${max}`);
const positiveSeconds = z.int({ error: 'must be a positive whole number of seconds' }).positive('must be a positive whole number of seconds');
/** A string field a gateway forwards as it got it: anything else reads as absent. */
const forwardedString = z.string().optional().catch(undefined);

export const keyRefRequestSchema = z
  .object({ key: z.string({ error: 'is required' }).min(1, 'is required').max(1024, 'is required'), hashed: z.boolean().optional() })
  .refine((request) => !request.hashed || KEY_HASH.test(request.key), {
    path: ['key'],
    message: 'must be a SHA-256 hash (64 hex digits) when hashed=true',
  }) satisfies z.ZodType<KeyRefRequest>;

const keyWriteFields = { session: checkedByService(), key: checkedByService<string | undefined>(), key_expires_in: z.number().optional() };
export const keyWriteRequestSchema = z.object(keyWriteFields) satisfies z.ZodType<KeyWriteRequest>;

export const quotaLeaseRequestSchema = z.object({
  identity: z
    .string({ error: 'must be a string of 1-512 characters' })
    .min(1, 'must be a string of 1-512 characters')
    .max(512, 'must be a string of 1-512 characters'),
  units: integerFrom(1, MAX_LEASE_UNITS),
  quota_max: integerFrom(-1, Number.MAX_SAFE_INTEGER),
  quota_renewal_rate: integerFrom(-1, MAX_RENEWAL_SECONDS),
}) satisfies z.ZodType<QuotaLeaseRequest>;

export const keyChangeNotificationsSchema = z.object({
  oauth_on_keychange_url: z.string().regex(/^https?:\/\//),
  shared_secret: z.string(),
}) satisfies z.ZodType<KeyChangeNotifications>;

export const oauthTokenRequestSchema = z.object({
  api_id: requiredString(),
  authorization: forwardedString,
  content_type: forwardedString,
  // The endpoint answers a missing or odd body as the OAuth error it is.
  body: checkedByService<string>(),
  allowed_grant_types: z.array(z.string(), { error: 'must be a list of grant types' }).optional(),
  access_token_ttl: positiveSeconds.optional(),
  refresh_token_ttl: positiveSeconds.optional(),
  notifications: z
    .unknown()
    .optional()
    .refine(
      (value) => value === undefined || keyChangeNotificationsSchema.safeParse(value).success,
      'must name oauth_on_keychange_url and shared_secret',
    ) as z.ZodType<KeyChangeNotifications | undefined>,
}) satisfies z.ZodType<OAuthTokenRequest>;

const SUBJECT_RULE = 'must be a non-empty string of at most 256 characters';
/** The authorization request's own fields are checked by the authorization service, as OAuth errors in OAuth's words. */
export const authorizeClientRequestSchema = z.object({
  api_id: requiredString(),
  sub: z.string({ error: SUBJECT_RULE }).min(1, SUBJECT_RULE).max(256, SUBJECT_RULE).optional(),
  response_type: checkedByService<string>(),
  client_id: checkedByService<string>(),
  redirect_uri: checkedByService<string>(),
  state: checkedByService<string | undefined>(),
  scope: checkedByService<string | undefined>(),
  code_challenge: checkedByService<string | undefined>(),
  code_challenge_method: checkedByService<string | undefined>(),
  key_rules: checkedByService(),
}) satisfies z.ZodType<AuthorizeClientRequest>;

const clientIdRequestSchema = z.object({ client_id: requiredString() }) satisfies z.ZodType<ClientIdRequest>;
const userIdRequestSchema = z.object({ id: requiredString() }) satisfies z.ZodType<UserIdRequest>;
const revokeRequestSchema = z.looseObject({ client_id: checkedByService<string>() }) as z.ZodType<RevokeRequest>;

/** The request schemas of the auth service's subjects, one per subject (a test keeps it complete). */
export const authRequestSchemas = {
  [authSubjects.authPing]: emptySchema,
  [authSubjects.authKeysCreate]: keyWriteRequestSchema,
  [authSubjects.authKeysGet]: keyRefRequestSchema,
  [authSubjects.authKeysUpdate]: keyRefRequestSchema.and(keyWriteRequestSchema.omit({ key: true })) as z.ZodType<KeyRefRequest & KeyWriteRequest>,
  [authSubjects.authKeysDelete]: keyRefRequestSchema,
  [authSubjects.authKeysList]: emptySchema,
  // Per uncached credential on a gateway's hot path: the lookup service checks kind and id itself.
  [authSubjects.authKeysLookup]: z.object({
    kind: z.enum(['key', 'basic', 'hmac', 'oauth1']),
    id: z.string(),
    password: z.string().optional(),
    token: z.string().optional(),
  }),
  [authSubjects.authQuotaLease]: quotaLeaseRequestSchema,
  [authSubjects.authOAuth1ConsumersCreate]: z.object({ name: z.string().optional(), org_id: z.string().optional() }),
  [authSubjects.authOAuth1TokensCreate]: z.object({ consumer_key: z.string(), session: checkedByService(), key_expires_in: z.number().optional() }),
  [authSubjects.authOAuth1NoncesClaim]: z.object({ consumer_key: z.string(), token: z.string(), timestamp: z.int(), nonce: z.string() }),
  [authSubjects.authClientsCreate]: z.object({ input: checkedByService() }),
  [authSubjects.authClientsList]: z.object({ api_id: z.string().optional() }),
  [authSubjects.authClientsGet]: clientIdRequestSchema,
  [authSubjects.authClientsUpdate]: clientIdRequestSchema.extend({ input: checkedByService() }),
  [authSubjects.authClientsDelete]: clientIdRequestSchema,
  [authSubjects.authClientsRotateSecret]: clientIdRequestSchema,
  [authSubjects.authClientsTokens]: clientIdRequestSchema,
  [authSubjects.authClientsUnlock]: clientIdRequestSchema,
  [authSubjects.authAuthorizeClient]: authorizeClientRequestSchema,
  // The client authenticates before anything else is looked at: the revocation handler checks the rest after.
  [authSubjects.authTokensRevoke]: revokeRequestSchema,
  [authSubjects.authTokensRevokeAll]: revokeRequestSchema,
  [authSubjects.authOAuthToken]: oauthTokenRequestSchema,
  [authSubjects.authJwks]: emptySchema,
  [authSubjects.authTokensIntrospect]: z.object({ token: z.string() }),
  [authSubjects.authInitialAccessTokensCreate]: z.object({
    expires_in: z.number().optional(),
    uses: z.number().optional(),
    api_ids: z.array(z.string()).optional(),
    policy_ids: z.array(z.string()).optional(),
  }),
  [authSubjects.authKeysRotate]: emptySchema,
  // The users service names a bad username or password with its own rules.
  [authSubjects.authUsersCreate]: z.object({ username: checkedByService<string>(), password: checkedByService<string>(), claims: checkedByService() }),
  [authSubjects.authUsersGet]: userIdRequestSchema,
  [authSubjects.authUsersUpdate]: z.object({ id: requiredString(), claims: checkedByService() }) satisfies z.ZodType<UserUpdateRequest>,
  [authSubjects.authUsersList]: emptySchema,
  [authSubjects.authUsersDelete]: userIdRequestSchema,
  [authSubjects.authUsersUnlock]: userIdRequestSchema,
  [authSubjects.authSessionsList]: z.object({ user_id: requiredString() }),
  [authSubjects.authSessionsRevoke]: z.object({ user_id: requiredString(), id: requiredString().optional() }),
  [authSubjects.authConsentsList]: z.object({ user_id: requiredString() }),
  [authSubjects.authConsentsRevoke]: z.object({ user_id: requiredString(), client_id: requiredString().optional() }),
} satisfies { [K in keyof AuthRequests]: z.ZodType<AuthRequests[K]['request']> };

/** The payload schemas of the auth service's events. */
export const authEventSchemas = {
  [authSubjects.authKeyChanged]: z.object({ key_hash: z.string(), change: changeSchema }),
  [authSubjects.authTokenIssued]: z.object({ jti: z.string(), client_id: z.string(), sub: z.string(), exp: z.number(), api_ids: z.array(z.string()) }),
  [authSubjects.authTokenRevoked]: z.object({ jti: z.string(), exp: z.number().refine(Number.isFinite) }),
  [authSubjects.authKeysRotated]: z.object({ kid: z.string() }),
  [authSubjects.authClientChanged]: z.object({ client_id: z.string(), change: changeSchema }),
} satisfies { [K in keyof AuthEvents]: z.ZodType<AuthEvents[K]> };

/** Auth request subjects: what each carries and what its reply holds. */
export interface AuthRequests {
  [authSubjects.authPing]: { request: Record<string, never>; reply: { service: 'auth' } };
  [authSubjects.authKeysCreate]: { request: KeyWriteRequest; reply: KeyRecord };
  [authSubjects.authKeysGet]: { request: KeyRefRequest; reply: KeyRecord };
  [authSubjects.authKeysUpdate]: { request: KeyRefRequest & KeyWriteRequest; reply: KeyRecord };
  [authSubjects.authKeysDelete]: { request: KeyRefRequest; reply: { key_hash: string } };
  [authSubjects.authKeysList]: { request: Record<string, never>; reply: KeyRecord[] };
  [authSubjects.authKeysLookup]: { request: KeyLookupRequest; reply: KeyLookupReply };
  [authSubjects.authQuotaLease]: { request: QuotaLeaseRequest; reply: QuotaLeaseReply };
  [authSubjects.authOAuth1ConsumersCreate]: { request: OAuth1ConsumerCreateRequest; reply: OAuth1Consumer };
  [authSubjects.authOAuth1TokensCreate]: { request: OAuth1TokenCreateRequest; reply: OAuth1TokenRecord };
  [authSubjects.authOAuth1NoncesClaim]: { request: OAuth1NonceClaimRequest; reply: OAuth1NonceClaimReply };
  [authSubjects.authClientsCreate]: { request: ClientWriteRequest; reply: OAuthClientWithSecret };
  [authSubjects.authClientsList]: { request: ClientListRequest; reply: OAuthClient[] };
  [authSubjects.authClientsGet]: { request: ClientIdRequest; reply: OAuthClient };
  [authSubjects.authClientsUpdate]: { request: ClientUpdateRequest; reply: OAuthClient };
  [authSubjects.authClientsDelete]: { request: ClientIdRequest; reply: ClientIdRequest };
  [authSubjects.authClientsRotateSecret]: { request: ClientIdRequest; reply: OAuthClientWithSecret };
  [authSubjects.authClientsTokens]: { request: ClientIdRequest; reply: TokenSummary[] };
  [authSubjects.authClientsUnlock]: { request: ClientIdRequest; reply: ClientIdRequest };
  [authSubjects.authAuthorizeClient]: { request: AuthorizeClientRequest; reply: AuthorizeClientReply };
  [authSubjects.authTokensRevoke]: { request: RevokeRequest; reply: { revoked: boolean } };
  [authSubjects.authTokensRevokeAll]: { request: RevokeRequest; reply: { revoked: number } };
  [authSubjects.authOAuthToken]: { request: OAuthTokenRequest; reply: HttpReply };
  [authSubjects.authJwks]: { request: Record<string, never>; reply: Jwks };
  [authSubjects.authTokensIntrospect]: { request: TokenIntrospectionRequest; reply: TokenIntrospection };
  [authSubjects.authInitialAccessTokensCreate]: { request: InitialAccessTokenRequest; reply: InitialAccessTokenReply };
  [authSubjects.authKeysRotate]: { request: Record<string, never>; reply: { kid: string } };
  [authSubjects.authUsersCreate]: { request: UserCreateRequest; reply: UserSummary };
  [authSubjects.authUsersList]: { request: Record<string, never>; reply: UserSummary[] };
  [authSubjects.authUsersDelete]: { request: UserIdRequest; reply: UserIdRequest };
  [authSubjects.authUsersGet]: { request: UserIdRequest; reply: UserSummary };
  [authSubjects.authUsersUpdate]: { request: UserUpdateRequest; reply: UserSummary };
  [authSubjects.authUsersUnlock]: { request: UserIdRequest; reply: UserIdRequest };
  [authSubjects.authSessionsList]: { request: { user_id: string }; reply: LoginSessionSummary[] };
  [authSubjects.authSessionsRevoke]: { request: SessionRevokeRequest; reply: { revoked: number } };
  [authSubjects.authConsentsList]: { request: { user_id: string }; reply: ConsentSummary[] };
  [authSubjects.authConsentsRevoke]: { request: ConsentRevokeRequest; reply: { revoked: number } };
}

/** Auth event subjects and their payloads. */
export interface AuthEvents {
  [authSubjects.authKeyChanged]: KeyChangedEvent;
  [authSubjects.authTokenIssued]: TokenIssuedEvent;
  [authSubjects.authTokenRevoked]: TokenRevokedEvent;
  [authSubjects.authKeysRotated]: KeysRotatedEvent;
  [authSubjects.authClientChanged]: ClientChangedEvent;
}
