import type { AccessTokenRecord } from '../storage/access-token.entity.js';
import type { JWTPayload } from 'jose';

/** A safety net for a missed `auth.token.revoked` event: no answer is trusted for longer than this. */
export const ACCESS_TOKEN_CACHE_MAX_AGE_MS = 10_000;
export const ACCESS_TOKEN_CACHE_MAX_ENTRIES = 10_000;

export interface CachedAccessToken {
  record: AccessTokenRecord;
  claims: JWTPayload;
}

/**
 * Access tokens recently found valid and not revoked, keyed by the exact token presented, so
 * introspecting the same token again verifies no signature and reads no row. A byte-identical
 * string is the token already checked; anything else (one character off, another token) misses and
 * is checked in full. Only what the lookup would answer now is kept: never a revoked token, never one
 * not found. Expiry is still the caller's check on every answer (the record carries `exp`).
 *
 * Coherent with revocation: `forget(jti)` on every revocation, here (after the database commit) and
 * on the other replicas (`auth.token.revoked`), and a lookup that started before any revocation
 * does not store what it read (`epoch`): it may have read the row before the revocation's commit.
 */
export class AccessTokenCache {
  private readonly entries = new Map<string, CachedAccessToken & { at: number }>();
  /** The tokens cached under each jti (one token per jti in practice), for `forget`. */
  private readonly tokensByJti = new Map<string, string>();
  private generation = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = ACCESS_TOKEN_CACHE_MAX_ENTRIES,
    private readonly maxAgeMs = ACCESS_TOKEN_CACHE_MAX_AGE_MS,
  ) {}

  get(token: string): CachedAccessToken | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.maxAgeMs) {
      this.drop(token, entry.record.jti);
      return undefined;
    }
    return entry;
  }

  /** Take before looking the token up; pass to `set`. */
  epoch(): number {
    return this.generation;
  }

  /** Keeps a lookup's answer, unless it is revoked or anything was revoked since `epoch`. */
  set(token: string, found: CachedAccessToken, epoch: number): void {
    if (epoch !== this.generation || found.record.revokedAt !== null) return;
    // Full: start again rather than track recency; a busy resource server refills it at once.
    if (this.entries.size >= this.maxEntries) this.clear();
    this.entries.set(token, { ...found, at: this.now() });
    this.tokensByJti.set(found.record.jti, token);
  }

  /** The token with this jti was revoked: never answered from here again. */
  forget(jti: string): void {
    this.generation++;
    const token = this.tokensByJti.get(jti);
    if (token !== undefined) this.drop(token, jti);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.tokensByJti.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(token: string, jti: string): void {
    this.entries.delete(token);
    if (this.tokensByJti.get(jti) === token) this.tokensByJti.delete(jti);
  }
}
