import { createPublicKey, type KeyObject } from 'node:crypto';

export interface VerificationKey {
  readonly kid: string | null;
  readonly key: KeyObject;
}

/** How often a JWKS may be fetched for tokens with unknown `kid`s: a burst, then one per refill. */
export interface RefetchAllowance {
  /** Fetches allowed back to back (a provider rotating, or restarted with new keys, needs one). */
  readonly burst: number;
  /** One fetch of the burst comes back per this many ms; 0: no limit. */
  readonly refillMs: number;
}

/**
 * One issuer's JWKS, our own cache rather than jose's remote set: a token with a `kid` we do not
 * know makes us refetch at once (Tyk answers 403 for minutes after a rotation, its issue #6378).
 * Such fetches are coalesced and drawn from a small token bucket: the first unknown `kid` after a
 * quiet spell is fetched for at once, while a flood of made-up `kid`s spends the burst and then gets
 * one fetch per refill interval, so it cannot hammer the provider. A provider that is down leaves
 * the known keys in place. Only public keys are imported: an HS secret can never come from here.
 */
export class JwksSource {
  private keys = new Map<string, KeyObject>();
  private all: VerificationKey[] = [];
  private loadedAt = -Infinity;
  private refreshing: Promise<void> | null = null;
  /** The bucket: milliseconds of refill credit (burst × refillMs when full), as of `creditAt`. */
  private credit: number;
  private creditAt: number;

  constructor(
    private readonly load: () => Promise<unknown>,
    private readonly now: () => number,
    private readonly refetch: RefetchAllowance,
    private readonly maxAgeMs: number,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.credit = refetch.burst * refetch.refillMs;
    this.creditAt = now();
  }

  /** The key for `kid` if known now (no I/O); a stale set is refreshed in the background. */
  known(kid: string): KeyObject | undefined {
    // A background refresh, off the request's path; refresh() never rejects (failures go to onError).
    if (this.now() - this.loadedAt > this.maxAgeMs) void this.refresh(false);
    return this.keys.get(kid);
  }

  /** Every key (for tokens without a `kid`), in JWKS order. */
  candidates(): readonly VerificationKey[] {
    // A background refresh, off the request's path; refresh() never rejects (failures go to onError).
    if (this.now() - this.loadedAt > this.maxAgeMs) void this.refresh(false);
    return this.all;
  }

  /** The key for `kid`, fetching the set again first if it is unknown and the allowance permits. */
  async resolve(kid: string): Promise<KeyObject | undefined> {
    const key = this.keys.get(kid);
    if (key !== undefined) return key;
    await this.refresh(false);
    return this.keys.get(kid);
  }

  /** Fetches now unless one fetch is running (joined) or the allowance is spent (`force` skips that). */
  refresh(force: boolean): Promise<void> {
    if (this.refreshing !== null) return this.refreshing;
    if (!force && !this.takeAllowance()) return Promise.resolve();
    this.refreshing = this.load()
      .then(
        (document) => this.replace(document),
        (error: unknown) => this.onError(`JWKS fetch failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /** Takes one fetch from the bucket, refilled for the time since it was last looked at. */
  private takeAllowance(): boolean {
    const { burst, refillMs } = this.refetch;
    if (refillMs === 0) return true;
    const now = this.now();
    // Kept in milliseconds of credit (a fetch costs refillMs), so the sums stay exact; a clock
    // stepping back refills nothing.
    const credit = Math.min(burst * refillMs, this.credit + Math.max(0, now - this.creditAt));
    this.creditAt = now;
    if (credit < refillMs) {
      this.credit = credit;
      return false;
    }
    this.credit = credit - refillMs;
    return true;
  }

  get size(): number {
    return this.all.length;
  }

  private replace(document: unknown): void {
    const list = (document as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) {
      this.onError('JWKS document has no keys array; keeping the keys we had');
      return;
    }
    const keys = new Map<string, KeyObject>();
    const all: VerificationKey[] = [];
    for (const jwk of list as Record<string, unknown>[]) {
      if (jwk === null || typeof jwk !== 'object') continue;
      // Signing keys only, public only: `oct` (shared secrets) and private parts are never used.
      if (jwk.kty === 'oct' || (jwk.use !== undefined && jwk.use !== 'sig') || 'd' in jwk) continue;
      try {
        const { d: _d, ...publicJwk } = jwk;
        const key = createPublicKey({ key: publicJwk as never, format: 'jwk' });
        const kid = typeof jwk.kid === 'string' ? jwk.kid : null;
        if (kid !== null) keys.set(kid, key);
        all.push({ kid, key });
      } catch {
        // One malformed key does not spoil the rest.
      }
    }
    this.keys = keys;
    this.all = all;
    this.loadedAt = this.now();
  }
}
