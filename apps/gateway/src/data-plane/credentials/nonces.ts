/**
 * The OAuth 1.0a nonces one consumer has used (RFC 5849 §3.3), by request timestamp (seconds). A
 * nonce may be forgotten only once its timestamp has left the window, and a busy consumer fills any
 * bound sooner than that (10,000 nonces last 200 s at 50 requests a second; the window is 600 s).
 * So the bound forgets the oldest timestamp's nonces and raises a floor with them: a request stamped
 * at or before the floor could be a replay of one forgotten, and is refused. Well-synchronised
 * clients stay above it unless one consumer sends more than the bound within a second.
 */
export class ConsumerNonces {
  private readonly byTimestamp = new Map<number, Set<string>>();
  private count = 0;
  private floor = -Infinity;

  constructor(private readonly maxEntries: number) {}

  /** False for a nonce already used with this timestamp, or a timestamp too old to tell. */
  remember(timestamp: number, nonce: string): boolean {
    if (timestamp <= this.floor) return false;
    let nonces = this.byTimestamp.get(timestamp);
    if (nonces === undefined) {
      nonces = new Set();
      this.byTimestamp.set(timestamp, nonces);
    } else if (nonces.has(nonce)) {
      return false;
    }
    nonces.add(nonce);
    this.count++;
    while (this.count > this.maxEntries) this.forgetOldest();
    return true;
  }

  get size(): number {
    return this.count;
  }

  // A scan of the distinct timestamps held (at most a few hundred for a busy consumer), once per
  // timestamp forgotten, not per request.
  private forgetOldest(): void {
    let oldest = Infinity;
    for (const timestamp of this.byTimestamp.keys()) if (timestamp < oldest) oldest = timestamp;
    this.count -= this.byTimestamp.get(oldest)!.size;
    this.byTimestamp.delete(oldest);
    this.floor = oldest;
  }
}
