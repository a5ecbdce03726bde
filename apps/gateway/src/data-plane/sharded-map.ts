/**
 * A string-keyed map that is never changed in place, for lookups on the request path: native Maps
 * split into shards by a hash of the key. `with` and `without` copy one shard and the array of
 * shards, never the rest, so whoever holds the old map keeps seeing it unchanged, and a change
 * costs about the same at 10 keys and at 10,000 (the shards double as the map grows, keeping at
 * most MAX_PER_SHARD keys in each on average). A lookup is a short hash and one native Map.get
 * (no hash at all while one shard holds everything): a hash array mapped trie (PersistentMap) is
 * several times slower to read, which the route table cannot afford.
 */
export class ShardedMap<V> {
  private static readonly none = new ShardedMap<never>([undefined], 0);

  private constructor(
    /** A power of two of them; undefined for an empty shard. */
    private readonly shards: readonly (ReadonlyMap<string, V> | undefined)[],
    readonly size: number,
  ) {}

  static empty<V>(): ShardedMap<V> {
    return ShardedMap.none as ShardedMap<V>;
  }

  get(key: string): V | undefined {
    const shards = this.shards;
    return (shards.length === 1 ? shards[0] : shards[hash(key) & (shards.length - 1)])?.get(key);
  }

  has(key: string): boolean {
    return this.shardOf(key)?.has(key) ?? false;
  }

  with(key: string, value: V): ShardedMap<V> {
    const index = this.indexOf(key);
    const shard = new Map(this.shards[index]);
    const size = shard.has(key) ? this.size : this.size + 1;
    shard.set(key, value);
    const shards = [...this.shards];
    shards[index] = shard;
    return size > MAX_PER_SHARD * shards.length ? ShardedMap.spread(shards, size, shards.length * 2) : new ShardedMap(shards, size);
  }

  without(key: string): ShardedMap<V> {
    const index = this.indexOf(key);
    if (!(this.shards[index]?.has(key) ?? false)) return this;
    const shard = new Map(this.shards[index]);
    shard.delete(key);
    const shards = [...this.shards];
    shards[index] = shard.size === 0 ? undefined : shard;
    return new ShardedMap(shards, this.size - 1);
  }

  *values(): Generator<V> {
    for (const shard of this.shards) if (shard !== undefined) yield* shard.values();
  }

  private indexOf(key: string): number {
    return this.shards.length === 1 ? 0 : hash(key) & (this.shards.length - 1);
  }

  private shardOf(key: string): ReadonlyMap<string, V> | undefined {
    return this.shards[this.indexOf(key)];
  }

  /** Every entry again over `count` shards: once per doubling, so its cost spreads over the changes that filled them. */
  private static spread<V>(shards: readonly (ReadonlyMap<string, V> | undefined)[], size: number, count: number): ShardedMap<V> {
    const spread: (Map<string, V> | undefined)[] = Array.from({ length: count }, () => undefined);
    for (const shard of shards) {
      if (shard === undefined) continue;
      for (const [key, value] of shard) {
        const index = hash(key) & (count - 1);
        (spread[index] ??= new Map()).set(key, value);
      }
    }
    return new ShardedMap(spread, size);
  }
}

const MAX_PER_SHARD = 32;

/** FNV-1a over the UTF-16 code units: a few nanoseconds for a listen path or a host name. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
