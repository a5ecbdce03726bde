/**
 * Verifiers accept a token for a leeway past its `exp` (5 s for our access tokens, see oauth2.ts),
 * and a token whose verified-cache entry ended at `exp` is verified afresh in that leeway: its
 * revocation must outlive it, or the token passes again once the denylist is pruned.
 */
const KEPT_PAST_EXP_SECONDS = 30;

/**
 * Tokens revoked before they expire (`auth.token.revoked`): jti → exp in seconds. An entry is of no
 * use once its token has expired anyway (leeway included), so entries are pruned after that, and
 * the map cannot outgrow the tokens still alive.
 */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private nextPrune = 0;

  constructor(private readonly now: () => number) {}

  add(jti: string, exp: number): void {
    this.revoked.set(jti, exp);
    this.prune();
  }

  has(jti: string): boolean {
    return this.revoked.size !== 0 && this.revoked.has(jti);
  }

  get size(): number {
    return this.revoked.size;
  }

  private prune(): void {
    const nowSeconds = this.now() / 1000;
    if (nowSeconds < this.nextPrune) return;
    this.nextPrune = nowSeconds + 60;
    for (const [jti, exp] of this.revoked) if (exp + KEPT_PAST_EXP_SECONDS < nowSeconds) this.revoked.delete(jti);
  }
}
