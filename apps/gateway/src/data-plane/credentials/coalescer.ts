/**
 * One request in flight per key: callers asking for a key that is already being fetched share the
 * same promise (a burst of requests with a new API key makes one lookup, not a hundred).
 */
export class Coalescer<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    let promise = this.inFlight.get(key);
    if (promise === undefined) {
      promise = work().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, promise);
    }
    return promise;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
