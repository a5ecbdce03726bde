/**
 * The compiled route table: which API a request belongs to, by Host and path. Built once per
 * configuration and never changed afterwards (a new configuration builds a new table), so lookups
 * need no locking and an in-flight request keeps the table it started with.
 */

export interface Routable {
  /** Normalised listen path: no trailing slash, except the root `/`. */
  readonly listenPath: string;
  /** Lower-cased host name, with a port only if the definition gave one; '' for any host. */
  readonly domain: string;
}

const SLASH = 47;

/**
 * Longest-prefix match at a segment boundary: `/orders` matches `/orders`, `/orders/` and
 * `/orders/1`, never `/ordersx`. Lookups try only the prefix lengths some listen path has, longest
 * first, each a single Map lookup.
 */
export class PathIndex<T extends Routable> {
  private readonly byPath = new Map<string, T>();
  private lengths: number[] = [];
  private root: T | undefined = undefined;

  /** False when another item already holds this listen path (the first one keeps it). */
  add(item: T): boolean {
    if (item.listenPath === '/') {
      if (this.root !== undefined) return false;
      this.root = item;
      return true;
    }
    if (this.byPath.has(item.listenPath)) return false;
    this.byPath.set(item.listenPath, item);
    if (!this.lengths.includes(item.listenPath.length)) {
      this.lengths = [...this.lengths, item.listenPath.length].sort((a, b) => b - a);
    }
    return true;
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
    return path.charCodeAt(0) === SLASH ? this.root : undefined;
  }
}

/** `example.com:8080` → `example.com`; `[::1]:8080` → `[::1]`; no port → unchanged. */
export function hostWithoutPort(host: string): string {
  const colon = host.lastIndexOf(':');
  if (colon === -1 || host.lastIndexOf(']') > colon) return host;
  return host.slice(0, colon);
}

export class RouteTable<T extends Routable> {
  private readonly anyHost = new PathIndex<T>();
  private readonly byDomain = new Map<string, PathIndex<T>>();
  /** Items that could not be added because another holds the same domain and listen path. */
  readonly collisions: readonly T[];
  /** Whether a lookup needs the Host header at all (only when some API is bound to a domain). */
  readonly usesDomains: boolean;

  constructor(readonly items: readonly T[]) {
    const collisions: T[] = [];
    for (const item of items) {
      let index = this.anyHost;
      if (item.domain !== '') {
        index = this.byDomain.get(item.domain) ?? new PathIndex<T>();
        this.byDomain.set(item.domain, index);
      }
      if (!index.add(item)) collisions.push(item);
    }
    this.collisions = collisions;
    this.usesDomains = this.byDomain.size > 0;
  }

  /**
   * APIs bound to the request's host win over host-less ones (as Tyk checks host-bound routers
   * first); a domain with a port matches only that port, one without matches any port.
   */
  match(host: string | null, path: string): T | undefined {
    if (this.usesDomains && host !== null) {
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
}
