import { Map as ImmutableMap } from 'immutable';

/**
 * A map that is never changed in place: `with` and `without` answer a new map sharing all but a
 * few nodes with the old one (a hash array mapped trie, immutable-js), so a change costs the same
 * at 10 entries and at 10,000, and whoever holds the old map keeps seeing it unchanged. Reading
 * costs a little more than a native Map's (a string hash and a walk of a few trie levels).
 */
export class PersistentMap<K, V> implements Iterable<[K, V]> {
  private static readonly none = new PersistentMap<never, never>(ImmutableMap());

  private constructor(private readonly entries: ImmutableMap<K, V>) {}

  static empty<K, V>(): PersistentMap<K, V> {
    return PersistentMap.none as PersistentMap<K, V>;
  }

  static from<K, V>(entries: Iterable<readonly [K, V]>): PersistentMap<K, V> {
    return new PersistentMap(ImmutableMap(entries as Iterable<[K, V]>));
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  with(key: K, value: V): PersistentMap<K, V> {
    return new PersistentMap(this.entries.set(key, value));
  }

  without(key: K): PersistentMap<K, V> {
    return this.entries.has(key) ? new PersistentMap(this.entries.delete(key)) : this;
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries.entries();
  }
}
