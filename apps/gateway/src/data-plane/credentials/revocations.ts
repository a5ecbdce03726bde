/**
 * Tokens revoked before they expire (`auth.token.revoked`): jti → exp in seconds. An entry is of no
 * use once its token has expired anyway, so entries are pruned after their `exp`, and the map
 * cannot outgrow the tokens still alive.
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
    for (const [jti, exp] of this.revoked) if (exp < nowSeconds) this.revoked.delete(jti);
  }
}
