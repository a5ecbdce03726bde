import { Pool } from 'undici';
import type { CompiledUpstreamTls } from './upstream-tls.js';

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

  constructor(
    private readonly onCloseError: (origin: string, error: unknown) => void = () => undefined,
    /** Told once per pool that skips certificate checks (proxy.transport.ssl_insecure_skip_verify). */
    private readonly onInsecure: (origin: string) => void = () => undefined,
  ) {}

  /** The pool's key: the origin, plus the TLS options' digest when an API sets any (see poolKey). */
  get(origin: string, tls: CompiledUpstreamTls | null = null): Pool {
    const key = poolKey(origin, tls);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, tls === null ? poolOptions : { ...poolOptions, connect: { ...poolOptions.connect, ...tls.options } });
      if (tls?.insecure === true) this.onInsecure(origin);
      this.pools.set(key, pool);
    }
    return pool;
  }

  get origins(): string[] {
    return [...this.pools.keys()];
  }

  /** Closes the pools whose keys (see poolKey) are not in `inUse`. */
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

/** Connections with different TLS options (a CA, a client certificate) are never shared. */
export function poolKey(origin: string, tls: CompiledUpstreamTls | null): string {
  return tls === null ? origin : `${origin}#${tls.id}`;
}
