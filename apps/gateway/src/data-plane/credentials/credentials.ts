import { NO_BINDINGS, type BindingTable } from './client-bindings.js';
import { TokenIntrospections } from './introspections.js';
import { JwksSource } from './jwks-source.js';
import { ConsumerNonces } from './nonces.js';
import { discoveryUrlOf, parseDiscovery, type DiscoveredProvider } from './openid-discovery.js';
import { defaultTimings, type CredentialPorts, type CredentialTimings } from './ports.js';
import { RevocationList } from './revocations.js';
import { RightsCompiler, type PolicyTable } from './rights.js';
import { SessionLookups } from './sessions.js';

const NO_POLICIES: PolicyTable = new Map();

export interface CredentialsLog {
  warn(message: string): void;
}

/**
 * Everything the auth modes share on one gateway, living as long as the gateway (compiled APIs come
 * and go; what they learnt about credentials stays): sessions looked up in the auth service, JWKS
 * of the auth service and of external providers, opaque tokens introspected, the revocation denylist,
 * OAuth 1.0a nonces.
 * Change events from the bus land here.
 */
export class Credentials {
  readonly timings: CredentialTimings;
  readonly rights = new RightsCompiler();
  readonly sessions: SessionLookups;
  readonly revocations: RevocationList;
  /** Opaque OAuth 2.0 access tokens, introspected by the auth service over the bus. */
  readonly introspections: TokenIntrospections;
  /** The auth service's own signing keys (OAuth 2.0 access tokens), over the bus. */
  readonly authJwks: JwksSource;
  private readonly jwksByUrl = new Map<string, JwksSource>();
  private readonly discovered = new Map<string, { at: number; provider: Promise<DiscoveredProvider> }>();
  private readonly nonceCaches = new Map<string, ConsumerNonces>();
  /** The gateway's current policies (the configuration store's table), read per request. */
  policies: () => PolicyTable = () => NO_POLICIES;
  /** The developer portal's client bindings (the configuration store's table), read when a token's identity is built. */
  bindings: () => BindingTable = () => NO_BINDINGS;

  constructor(
    readonly ports: CredentialPorts,
    private readonly log: CredentialsLog,
    timings: Partial<CredentialTimings> = {},
  ) {
    this.timings = { ...defaultTimings, ...timings };
    this.sessions = new SessionLookups(
      ports,
      this.timings,
      this.rights,
      () => this.policies(),
      (message) => log.warn(message),
    );
    this.revocations = new RevocationList(() => ports.now());
    this.introspections = new TokenIntrospections(
      (token) => ports.introspect({ token }),
      () => ports.now(),
      this.timings,
      this.revocations,
      this.rights,
      () => this.policies(),
      (message) => log.warn(message),
    );
    this.authJwks = this.jwksSource(() => ports.authJwks(), 'the auth service');
  }

  now(): number {
    return this.ports.now();
  }

  /** The JWKS at `url`, shared by every API that trusts it. */
  jwksAt(url: string): JwksSource {
    let source = this.jwksByUrl.get(url);
    if (source === undefined) {
      source = this.jwksSource(() => this.ports.fetchJson(url), url);
      this.jwksByUrl.set(url, source);
    }
    return source;
  }

  /** An OpenID provider's discovery document, fetched once (again after a failure, rate limited). */
  discover(issuerOrUrl: string): Promise<DiscoveredProvider> {
    const url = discoveryUrlOf(issuerOrUrl);
    const cached = this.discovered.get(url);
    const now = this.now();
    if (cached !== undefined) return cached.provider;
    const provider = this.ports.fetchJson(url).then(parseDiscovery);
    const entry = { at: now, provider };
    this.discovered.set(url, entry);
    provider.catch((error: unknown) => {
      this.log.warn(`OpenID discovery at ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
      // Forget the failure after the refetch interval, so the provider is asked again then.
      setTimeout(() => {
        if (this.discovered.get(url) === entry) this.discovered.delete(url);
      }, this.timings.jwksMinRefetchMs).unref();
    });
    return provider;
  }

  /**
   * Spends a correctly signed OAuth 1.0a request's nonce (RFC 5849 §3.3): here first, which refuses a
   * replay to this gateway without a round trip, then for the fleet at the auth service, so a replay
   * to another gateway is refused too. False for a replay; rejects when the auth service cannot be
   * asked (the request then gets a 503, as a lookup would).
   */
  async spendNonce(consumer: string, token: string, timestamp: number, nonce: string): Promise<boolean> {
    if (!this.rememberNonce(consumer, timestamp, `${token}:${nonce}`)) return false;
    const { fresh } = await this.ports.claimNonce({ consumer_key: consumer, token, timestamp, nonce });
    return fresh === true;
  }

  /**
   * Records an OAuth 1.0a nonce of a consumer with its request's timestamp (seconds); false for a
   * replayed request (RFC 5849 §3.3), or one too old to tell once the bound forgot its timestamp.
   */
  private rememberNonce(consumer: string, timestamp: number, nonce: string): boolean {
    let nonces = this.nonceCaches.get(consumer);
    if (nonces === undefined) {
      nonces = new ConsumerNonces(10_000);
      this.nonceCaches.set(consumer, nonces);
    }
    return nonces.remember(timestamp, nonce);
  }

  // Bus events.

  onKeyChanged(keyHash: string): void {
    this.sessions.dropKeyHash(keyHash);
  }

  onTokenRevoked(jti: string, exp: number): void {
    this.revocations.add(jti, exp);
  }

  onSigningKeysRotated(): void {
    // A bus event handler: the fetch runs in the background and never rejects (a failure goes to onError, logged).
    void this.authJwks.refresh(true);
  }

  private jwksSource(load: () => Promise<unknown>, name: string): JwksSource {
    const refetch = { burst: this.timings.jwksRefetchBurst, refillMs: this.timings.jwksMinRefetchMs };
    return new JwksSource(
      load,
      () => this.ports.now(),
      refetch,
      this.timings.jwksMaxAgeMs,
      (message) => this.log.warn(`${name}: ${message}`),
    );
  }
}
