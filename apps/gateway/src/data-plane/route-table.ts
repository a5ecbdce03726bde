import { PersistentMap } from './persistent-map.js';
import { ShardedMap } from './sharded-map.js';

/**
 * The compiled route table: which API a request belongs to, by Host and path. Never changed once
 * built: a change makes a new table that shares all but a few nodes with the old one (so a change
 * costs the same at 10 APIs and at 10,000), lookups need no locking, and an in-flight request
 * keeps the table it started with.
 */

export interface Routable {
  /** Normalised listen path: no trailing slash, except the root `/`. */
  readonly listenPath: string;
  /** Lower-cased host name, with a port only if the definition gave one; '' for any host. */
  readonly domain: string;
}

/** What the table holds: routable, with an id that decides which of two claimants of one route wins. */
export interface RoutableItem extends Routable {
  readonly id: string;
}

const SLASH = 47;

/**
 * Longest-prefix match at a segment boundary: `/orders` matches `/orders`, `/orders/` and
 * `/orders/1`, never `/ordersx`. Lookups try only the prefix lengths some listen path has, longest
 * first, each a single map lookup. Never changed in place: `with` and `without` answer a new index
 * that shares all but a few nodes with this one, at a cost that does not grow with its size.
 */
export class PathIndex<T extends RoutableItem> {
  private static readonly none = new PathIndex<never>(ShardedMap.empty(), PersistentMap.empty(), new Map(), []);

  private constructor(
    /** Listen path → the item routed there (the lowest id of those claiming it). */
    private readonly byPath: ShardedMap<T>,
    /** Listen path → every item claiming it, lowest id first; only for paths two or more claim. */
    private readonly claims: PersistentMap<string, readonly T[]>,
    /** How many listen paths (root aside) have each length; as few entries as distinct lengths. */
    private readonly lengthCounts: ReadonlyMap<number, number>,
    private readonly lengths: readonly number[],
  ) {}

  static empty<T extends RoutableItem>(): PathIndex<T> {
    return PathIndex.none as PathIndex<T>;
  }

  get size(): number {
    return this.byPath.size;
  }

  /** The items that claim a listen path another item (of a lower id) holds. */
  *collisions(): Generator<T> {
    for (const claimants of this.claims.values()) yield* claimants.slice(1);
  }

  /** With `item` claiming its listen path; it is routed there unless an item of a lower id holds it. */
  with(item: T): PathIndex<T> {
    const path = item.listenPath;
    const holder = this.byPath.get(path);
    if (holder === undefined) {
      const counts = path === '/' ? this.lengthCounts : countedLength(this.lengthCounts, path.length, +1);
      const lengths = counts.has(path.length) && !this.lengthCounts.has(path.length) ? longestFirst(counts) : this.lengths;
      return new PathIndex(this.byPath.with(path, item), this.claims, counts, lengths);
    }
    const claimants = [...(this.claims.get(path) ?? [holder]), item].sort(byId);
    return new PathIndex(this.byPath.with(path, claimants[0]!), this.claims.with(path, claimants), this.lengthCounts, this.lengths);
  }

  /** Without `item` (the same object `with` was given); the next claimant of its path, if any, is routed there. */
  without(item: T): PathIndex<T> {
    const path = item.listenPath;
    const claimants = this.claims.get(path);
    if (claimants !== undefined) {
      const rest = claimants.filter((claimant) => claimant !== item);
      if (rest.length === claimants.length) return this;
      const claims = rest.length > 1 ? this.claims.with(path, rest) : this.claims.without(path);
      return new PathIndex(this.byPath.with(path, rest[0]!), claims, this.lengthCounts, this.lengths);
    }
    if (this.byPath.get(path) !== item) return this;
    const counts = path === '/' ? this.lengthCounts : countedLength(this.lengthCounts, path.length, -1);
    const lengths = counts.has(path.length) || !this.lengthCounts.has(path.length) ? this.lengths : longestFirst(counts);
    return new PathIndex(this.byPath.without(path), this.claims, counts, lengths);
  }

  find(path: string): T | undefined {
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      if (length > path.length) continue;
      if (length === path.length) {
        const hit = this.byPath.get(path);
        if (hit !== undefined) return hit;
      } else if (path.charCodeAt(length) === SLASH) {
        const hit = this.byPath.get(path.slice(0, length));
        if (hit !== undefined) return hit;
      }
    }
    return path.charCodeAt(0) === SLASH ? this.byPath.get('/') : undefined;
  }
}

const byId = (a: { readonly id: string }, b: { readonly id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function countedLength(counts: ReadonlyMap<number, number>, length: number, step: 1 | -1): ReadonlyMap<number, number> {
  const next = new Map(counts);
  const count = (counts.get(length) ?? 0) + step;
  if (count > 0) next.set(length, count);
  else next.delete(length);
  return next;
}

function longestFirst(counts: ReadonlyMap<number, number>): number[] {
  return [...counts.keys()].sort((a, b) => b - a);
}

/** `example.com:8080` → `example.com`; `[::1]:8080` → `[::1]`; no port → unchanged. */
export function hostWithoutPort(host: string): string {
  const colon = host.lastIndexOf(':');
  if (colon === -1 || host.lastIndexOf(']') > colon) return host;
  return host.slice(0, colon);
}

/**
 * Items claiming the same domain and listen path: the one of the lowest id is routed (so every
 * gateway picks the same one), the others are collisions. Never changed in place (see PathIndex).
 */
export class RouteTable<T extends RoutableItem> {
  private anyHost: PathIndex<T> = PathIndex.empty();
  private byDomain: ShardedMap<PathIndex<T>> = ShardedMap.empty();

  constructor(items: Iterable<T> = []) {
    for (const item of items) this.claim(item);
  }

  /** Whether a lookup needs the Host header at all (only when some API is bound to a domain). */
  get usesDomains(): boolean {
    return this.byDomain.size > 0;
  }

  /** Items that are not routed because another (of a lower id) holds the same domain and listen path. */
  get collisions(): readonly T[] {
    const found = [...this.anyHost.collisions()];
    for (const index of this.byDomain.values()) found.push(...index.collisions());
    return found;
  }

  /** A table with `item` added (see PathIndex.with); this one is unchanged. */
  with(item: T): RouteTable<T> {
    return this.derived().claim(item);
  }

  /** A table without `item` (the object given to `with` or the constructor); this one is unchanged. */
  without(item: T): RouteTable<T> {
    const table = this.derived();
    if (item.domain === '') {
      table.anyHost = this.anyHost.without(item);
      return table;
    }
    const index = this.byDomain.get(item.domain)?.without(item);
    if (index !== undefined) table.byDomain = index.size === 0 ? this.byDomain.without(item.domain) : this.byDomain.with(item.domain, index);
    return table;
  }

  /**
   * APIs bound to the request's host win over host-less ones (as Tyk checks host-bound routers
   * first); a domain with a port matches only that port, one without matches any port.
   */
  match(host: string | null, path: string): T | undefined {
    if (this.byDomain.size > 0 && host !== null) {
      const lower = host.toLowerCase();
      const exact = this.byDomain.get(lower)?.find(path);
      if (exact !== undefined) return exact;
      const bare = hostWithoutPort(lower);
      if (bare !== lower) {
        const hit = this.byDomain.get(bare)?.find(path);
        if (hit !== undefined) return hit;
      }
    }
    return this.anyHost.find(path);
  }

  private derived(): RouteTable<T> {
    const table = new RouteTable<T>();
    table.anyHost = this.anyHost;
    table.byDomain = this.byDomain;
    return table;
  }

  /** Only on a table nobody else has seen yet (in the constructor, or on a derived one). */
  private claim(item: T): this {
    if (item.domain === '') this.anyHost = this.anyHost.with(item);
    else this.byDomain = this.byDomain.with(item.domain, (this.byDomain.get(item.domain) ?? PathIndex.empty<T>()).with(item));
    return this;
  }
}
