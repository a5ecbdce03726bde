/**
 * A fixed-capacity FIFO over one preallocated array. `push` is O(1) and never allocates, so the
 * gateway's hot path can call it on every request; when full, the oldest entry gives way, because
 * recent traffic is worth more than traffic from before an outage.
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an entry; returns true when that pushed out the oldest one. */
  push(value: T): boolean {
    const tail = (this.head + this.count) % this.capacity;
    this.slots[tail] = value;
    if (this.count < this.capacity) {
      this.count++;
      return false;
    }
    this.head = (this.head + 1) % this.capacity;
    return true;
  }

  /** Removes and returns up to `max` of the oldest entries, in order. */
  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) {
      const index = (this.head + i) % this.capacity;
      out[i] = this.slots[index] as T;
      // Released so a drained buffer does not keep old records alive.
      this.slots[index] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return out;
  }
}
