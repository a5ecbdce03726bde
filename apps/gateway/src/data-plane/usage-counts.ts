import type { KeySet } from './upstream-pools.js';

/**
 * How many loaded APIs use each shared resource (an upstream pool, an uptime checker), so that a
 * change to one API learns which resources it was the last user of without looking at the others.
 */
export class UsageCounts {
  private readonly counts = new Map<string, number>();

  /** The resources some API uses (for a sweep of everything else). */
  readonly inUse: KeySet = { has: (key) => this.counts.has(key) };

  /** Counts afresh, for a whole configuration. */
  reset<T>(users: Iterable<T>, resourcesOf: (user: T) => readonly string[]): void {
    this.counts.clear();
    for (const user of users) this.add(resourcesOf(user));
  }

  /**
   * `next` takes `previous`'s place (either may be absent); answers the resources nobody uses any
   * more. `next`'s are counted first, so a resource both use is never released in between.
   */
  replace<T>(previous: T | undefined, next: T | undefined, resourcesOf: (user: T) => readonly string[]): string[] {
    if (next !== undefined) this.add(resourcesOf(next));
    if (previous === undefined) return [];
    const released: string[] = [];
    for (const key of new Set(resourcesOf(previous))) {
      const count = this.counts.get(key)! - 1;
      if (count > 0) this.counts.set(key, count);
      else {
        this.counts.delete(key);
        released.push(key);
      }
    }
    return released;
  }

  private add(keys: readonly string[]): void {
    // A resource an API uses twice (two versions on one target) counts once for it.
    for (const key of new Set(keys)) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
