import { HEARTBEAT_MAX_ORIGIN_LENGTH, HEARTBEAT_MAX_UPSTREAMS, type HeartbeatUpstream } from '@portcullis/contracts';
import { Pool } from 'undici';
import { DEFAULT_PASSIVE_CHECKS, TargetHealth, type HealthChange, type PassiveCheckSettings } from './upstreams/target-health.js';
import { UptimeChecker, uptimeCheckKey, type UptimeCheckSpec } from './upstreams/uptime-check.js';
import type { CompiledUpstreamTls } from './upstream-tls.js';

/** Which keys are in use (a Set, or a count of users). */
export interface KeySet {
  has(key: string): boolean;
}

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
  /** Health of load-balanced targets, by origin (only APIs with enable_load_balancing make them). */
  private readonly healths = new Map<string, TargetHealth>();
  /** Active uptime checkers, by uptimeCheckKey. */
  private readonly checkers = new Map<string, UptimeChecker>();

  constructor(
    private readonly onCloseError: (origin: string, error: unknown) => void = () => undefined,
    private readonly onHealthChange: HealthChange = () => undefined,
    /** Told once per pool that skips certificate checks (proxy.transport.ssl_insecure_skip_verify). */
    private readonly onInsecure: (origin: string) => void = () => undefined,
    /** UPSTREAM_PASSIVE_*: when passive checks take a target out, and for how long. */
    private readonly passiveChecks: PassiveCheckSettings = DEFAULT_PASSIVE_CHECKS,
  ) {}

  health(origin: string): TargetHealth {
    let health = this.healths.get(origin);
    if (health === undefined) {
      health = new TargetHealth(origin, this.onHealthChange, Date.now, this.passiveChecks);
      this.healths.set(origin, health);
    }
    return health;
  }

  /** Every target's health, for /metrics and the admin API. */
  get targetHealth(): { origin: string; healthy: boolean }[] {
    return [...this.healths.values()].map((health) => ({ origin: health.origin, healthy: health.healthy }));
  }

  /**
   * What this gateway's heartbeat says of its targets (the registry lists them for the fleet);
   * undefined when no API balances, so such a gateway pays one size check per heartbeat. Kept within
   * the heartbeat schema's bounds: an invalid heartbeat would be dropped whole, and with it this
   * gateway's share of the rate limits its peers compute.
   */
  heartbeatUpstreams(): HeartbeatUpstream[] | undefined {
    if (this.healths.size === 0) return undefined;
    const upstreams: HeartbeatUpstream[] = [];
    for (const health of this.healths.values()) {
      if (upstreams.length === HEARTBEAT_MAX_UPSTREAMS) break;
      if (health.origin.length <= HEARTBEAT_MAX_ORIGIN_LENGTH) upstreams.push({ origin: health.origin, healthy: health.healthy });
    }
    return upstreams;
  }

  /** Starts (or keeps) the checker of `spec`, reporting to the targets on its host; returns its key. */
  uptimeCheck(spec: UptimeCheckSpec, targets: readonly TargetHealth[]): string {
    const key = `${uptimeCheckKey(spec)} ${targets.map((health) => health.origin).join(' ')}`;
    if (!this.checkers.has(key)) {
      const checker = new UptimeChecker(spec, targets);
      this.checkers.set(key, checker);
      checker.start();
    }
    return key;
  }

  /** Stops the checkers not in `inUse` (their APIs changed or went away). */
  retainChecks(inUse: KeySet): void {
    for (const [key, checker] of this.checkers) {
      if (inUse.has(key)) continue;
      this.checkers.delete(key);
      checker.stop();
    }
  }

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
  retainOnly(inUse: KeySet): void {
    for (const key of this.pools.keys()) if (!inUse.has(key)) this.closePool(key);
  }

  /** Closes these pools (the last API using them went), without looking at the others. */
  closeUnused(keys: Iterable<string>): void {
    for (const key of keys) this.closePool(key);
  }

  /** Stops these checkers (the last API using them went). */
  stopChecks(keys: Iterable<string>): void {
    for (const key of keys) {
      this.checkers.get(key)?.stop();
      this.checkers.delete(key);
    }
  }

  private closePool(key: string): void {
    const pool = this.pools.get(key);
    if (pool === undefined) return;
    this.pools.delete(key);
    this.healths.delete(key);
    pool.close().catch((error: unknown) => this.onCloseError(key, error));
  }

  async closeAll(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.retainChecks(new Set());
    await Promise.allSettled(pools.map((pool) => pool.close()));
  }
}

/** Connections with different TLS options (a CA, a client certificate) are never shared. */
export function poolKey(origin: string, tls: CompiledUpstreamTls | null): string {
  return tls === null ? origin : `${origin}#${tls.id}`;
}
