import { GATEWAY_HEARTBEAT_INTERVAL_MS, GATEWAY_SILENT_AFTER_MS, subjects, type GatewayHeartbeat } from '@portcullis/contracts';
import { silentLog, type LimiterLog, type RateLimiter } from './limiter.js';
import { LocalLimiter, type LocalLimiterOptions } from './local-limiter.js';
import type { Clock, RateLimitResult } from './result.js';
import { shareOf, type RateRule } from './rule.js';

export interface SharedOverNatsOptions {
  /** This gateway's id, unique in the fleet (its heartbeats carry it). */
  gatewayId: string;
  /** Sends a heartbeat; `Bus.publish` fits. May return a promise; a rejection is logged, never thrown. */
  publish: (subject: typeof subjects.gatewayHeartbeat, payload: GatewayHeartbeat) => unknown;
  clock?: Clock;
  local?: Omit<LocalLimiterOptions, 'clock'>;
  /** How often this gateway announces itself (ms); GATEWAY_HEARTBEAT_INTERVAL_MS unless a test says otherwise. */
  heartbeatIntervalMs?: number;
  /** A peer not heard from for longer than this (ms) no longer counts; GATEWAY_SILENT_AFTER_MS by default. */
  peerTtlMs?: number;
  log?: LimiterLog;
}

/**
 * Tyk's distributed rate limiter, over NATS: every gateway announces itself on
 * `gateway.heartbeat` each second and counts the gateways it heard from in the last 3 s (itself
 * included); a limit of N is then enforced locally as ceil(N / live) on each.
 *
 * Precision: with P gateways behind an even (round-robin) balancer, the fleet lets through at most
 * P·ceil(N/P) ≤ N + P − 1 at once, plus what each earns back over time — e.g. 3 gateways, 100 a
 * minute: 102 at once. An uneven balancer lets through less than N (each gateway stops at its
 * share). For ~3 s after a gateway joins or leaves, the others still count the old fleet, so a
 * departure briefly under-admits and a join briefly over-admits by up to one share.
 */
export class SharedOverNatsLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly local: LocalLimiter;
  private readonly peers = new Map<string, number>();
  private readonly ttl: number;
  private readonly interval: number;
  private readonly log: LimiterLog;
  private live = 1;
  /** When `live` must be counted again: the earliest moment a known peer expires. */
  private recountAt = Infinity;
  private timer: NodeJS.Timeout | null = null;
  private publishFailing = false;

  constructor(private readonly options: SharedOverNatsOptions) {
    this.clock = options.clock ?? Date.now;
    this.local = new LocalLimiter({ ...options.local, clock: this.clock });
    this.ttl = options.peerTtlMs ?? GATEWAY_SILENT_AFTER_MS;
    this.interval = options.heartbeatIntervalMs ?? GATEWAY_HEARTBEAT_INTERVAL_MS;
    this.log = options.log ?? silentLog;
  }

  /** Announces this gateway now and every `heartbeatIntervalMs` until `close()`. */
  start(): void {
    if (this.timer) return;
    this.beat();
    this.timer = setInterval(() => this.beat(), this.interval).unref();
  }

  /** Publishes one heartbeat. */
  beat(): void {
    let sent: unknown;
    try {
      sent = this.options.publish(subjects.gatewayHeartbeat, { gateway_id: this.options.gatewayId, at: this.clock() });
    } catch (error) {
      this.publishFailed(error);
      return;
    }
    if (sent instanceof Promise)
      sent.then(
        () => this.publishRecovered(),
        (error: unknown) => this.publishFailed(error),
      );
    else this.publishRecovered();
  }

  /** Feed every `gateway.heartbeat` event here (the gateway's @EventPattern handler, no queue). */
  onHeartbeat(heartbeat: GatewayHeartbeat): void {
    if (heartbeat.gateway_id === this.options.gatewayId) return;
    // Our clock, not the sender's `at`: peers' clocks may disagree, liveness is about what we saw.
    const isNew = !this.peers.has(heartbeat.gateway_id);
    this.peers.set(heartbeat.gateway_id, this.clock());
    if (isNew) this.recountAt = -Infinity;
  }

  /** Gateways counted as live right now, this one included. */
  livePeers(): number {
    const now = this.clock();
    if (now < this.recountAt) return this.live;
    let live = 1;
    let earliest = Infinity;
    for (const [id, seen] of this.peers) {
      const expires = seen + this.ttl;
      if (expires < now) this.peers.delete(id);
      else {
        live++;
        if (expires < earliest) earliest = expires;
      }
    }
    this.live = live;
    // A heartbeat only moves a peer's expiry later, so the earliest one bounds when to count again.
    this.recountAt = earliest;
    return live;
  }

  check(identity: string, api: string, rule: RateRule, out: RateLimitResult): RateLimitResult {
    return this.local.check(identity, api, shareOf(rule, this.livePeers()), out);
  }

  get size(): number {
    return this.local.size;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.local.close();
  }

  private publishFailed(error: unknown): void {
    if (this.publishFailing) return;
    this.publishFailing = true;
    this.log.warn({ err: error }, 'rate limit: cannot announce this gateway (heartbeats fail); peers will stop counting it');
  }

  private publishRecovered(): void {
    if (!this.publishFailing) return;
    this.publishFailing = false;
    this.log.info({}, 'rate limit: heartbeats are published again');
  }
}
