interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** The most items one write takes. */
  maxBatch: number;
  /** Writes under way at once; while they all are, new items wait and go together in the next. */
  maxInFlight: number;
}

/**
 * Group commit: items added while the event loop is busy (one poll phase's worth of requests, or
 * everything that arrived while earlier writes were under way) are written together, in one
 * statement and one commit, and each `add` resolves only once the write holding its item has
 * committed, so durability is what it was with one write per item. A failed write rejects every
 * item in it. An item waits at most one turn of the event loop when a write slot is free.
 */
export class GroupCommit<T> {
  private pending: Waiting<T>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // After the current poll phase: every request read in it has added its item by then.
        setImmediate(this.onTurn);
      }
    });
  }

  /** Resolves once nothing is pending or being written (for shutdown). */
  drained(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private readonly onTurn = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private flush(): void {
    while (this.pending.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.pending.length <= this.options.maxBatch ? this.pending : this.pending.slice(0, this.options.maxBatch);
      this.pending = batch === this.pending ? [] : this.pending.slice(batch.length);
      this.inFlight++;
      // The callers wait on their own promises; run() catches a failed write and rejects each caller's with it.
      void this.run(batch);
    }
  }

  private async run(batch: Waiting<T>[]): Promise<void> {
    try {
      await this.write(batch.map((waiting) => waiting.item));
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.inFlight--;
      // What arrived meanwhile has waited its turn already: written at once.
      this.flush();
      if (this.pending.length === 0 && this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
