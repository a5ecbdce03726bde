/**
 * Every NATS subject, once. Both ends import these constants: a `client.send(...)` and the
 * `@MessagePattern(...)` that answers it can never drift apart. The table in docs/architecture.md "Messages"
 * lists them with their meaning; `subjects.test.ts` keeps the two in step.
 */
export const subjects = {
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
  /** event: a gateway announces itself; limits shared over NATS divide among the live ones. */
  gatewayHeartbeat: 'gateway.heartbeat',
  /** event: drop an API's cached answers (Tyk's DELETE /tyk/cache/{api_id}) on every gateway keeping them in memory. */
  gatewayCachePurge: 'gateway.cache.purge',
  /** JetStream subject: batches of analytics records, consumed durably by the registry. */
  analyticsRecords: 'analytics.records',
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
  /** request (admin): lift the brute-force lock on a user's logins. */
  authUsersUnlock: 'auth.users.unlock',
  /** request (admin): rotate the signing key now. */
  authKeysRotate: 'auth.keys.rotate',
  /** events: what gateways keep their caches and denylists exact with. */
  authTokenIssued: 'auth.token.issued',
  authTokenRevoked: 'auth.token.revoked',
  authKeysRotated: 'auth.keys.rotated',
  authClientChanged: 'auth.client.changed',
} as const;

export type Subject = (typeof subjects)[keyof typeof subjects];

/** The JetStream stream that keeps analytics records until the registry has stored them. */
export const analyticsStream = { name: 'PORTCULLIS_ANALYTICS', durableConsumer: 'registry-analytics' } as const;

/**
 * NATS queue groups: request handlers of a service share one, so each request is answered by
 * exactly one replica. Event handlers on gateways use none, so every gateway sees every change.
 */
export const queues = {
  registry: 'registry',
  auth: 'auth',
} as const;
