import { Pool } from 'undici';

/** Connection settings shared by every upstream pool. */
const poolOptions: Pool.Options = {
  // Keep idle upstream connections a little under the common 5 s server keep-alive, so the gateway
  // closes them before the upstream does and never writes into a connection being torn down.
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 60_000,
  connect: { timeout: 10_000 },
};

/**
 * One undici Pool per upstream origin (scheme://host:port), shared by every API that targets it and
 * kept across configuration swaps, so a swap never drops warm connections. Pools no longer used by
 * any API are closed gracefully: requests already on them finish first.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly onCloseError: (origin: string, error: unknown) => void = () => undefined) {}

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, poolOptions);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  get origins(): string[] {
    return [...this.pools.keys()];
  }

  /** Closes the pools of origins not in `inUse`. */
  retainOnly(inUse: ReadonlySet<string>): void {
    for (const [origin, pool] of this.pools) {
      if (inUse.has(origin)) continue;
      this.pools.delete(origin);
      pool.close().catch((error: unknown) => this.onCloseError(origin, error));
    }
  }

  async closeAll(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.close()));
  }
}
