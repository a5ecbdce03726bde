import { GATEWAY_SILENT_AFTER_MS, type GatewayHeartbeat, type HeartbeatUpstream } from '@portcullis/contracts';

/** One live gateway as the registry last heard it. */
export interface FleetGateway {
  gateway_id: string;
  /** When this registry last heard its heartbeat (ISO 8601, this registry's clock). */
  last_seen: string;
  /** Its load-balanced targets' health as it last reported it; empty when it balances none. */
  upstreams: HeartbeatUpstream[];
}

/** One upstream target across the fleet: how many live gateways see it up, how many down, and which. */
export interface FleetTarget {
  origin: string;
  healthy_on: number;
  unhealthy_on: number;
  gateways: { gateway_id: string; healthy: boolean }[];
}

export interface GatewayFleetOptions {
  /** Milliseconds since the epoch; injected by tests. */
  clock?: () => number;
  /** At most this many gateways are remembered (see DEFAULT_MAX_GATEWAYS). */
  maxGateways?: number;
  /** Told once, the first time a gateway is forgotten to stay within maxGateways. */
  onFull?: (maxGateways: number) => void;
}

/**
 * A heartbeat holds at most HEARTBEAT_MAX_UPSTREAMS origins of HEARTBEAT_MAX_ORIGIN_LENGTH: at the
 * bounds about 80 KB a gateway, so 256 gateways stay within ~20 MB even if every field is at its
 * limit (real fleets are tens of gateways with short origins: kilobytes).
 */
export const DEFAULT_MAX_GATEWAYS = 256;

interface Seen {
  readonly gateway_id: string;
  readonly at: number;
  readonly upstreams: HeartbeatUpstream[];
}

const byGatewayId = (a: { gateway_id: string }, b: { gateway_id: string }) => (a.gateway_id < b.gateway_id ? -1 : a.gateway_id > b.gateway_id ? 1 : 0);

/**
 * The live gateways and their upstream targets' health, from their `gateway.heartbeat` events
 * (each registry replica hears every one, so any replica answers). A gateway silent for longer than
 * GATEWAY_SILENT_AFTER_MS (three heartbeat intervals, the gateways' own rule for their peers) is
 * forgotten. Liveness is judged on this registry's clock, never the sender's `at`: clocks disagree.
 */
export class GatewayFleet {
  /** By gateway id, least recently heard first (a heartbeat moves its gateway to the end). */
  private readonly seen = new Map<string, Seen>();
  private readonly clock: () => number;
  private readonly maxGateways: number;
  private readonly onFull: (maxGateways: number) => void;
  private toldFull = false;

  constructor(options: GatewayFleetOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.maxGateways = options.maxGateways ?? DEFAULT_MAX_GATEWAYS;
    this.onFull = options.onFull ?? (() => undefined);
  }

  /** A validated heartbeat (see GatewayHeartbeatsMessages). */
  record(heartbeat: GatewayHeartbeat): void {
    const now = this.clock();
    this.forgetSilent(now);
    // Deleted first so that the map stays ordered by when each gateway was last heard.
    const known = this.seen.delete(heartbeat.gateway_id);
    if (!known && this.seen.size >= this.maxGateways) this.forgetLeastRecent();
    this.seen.set(heartbeat.gateway_id, { gateway_id: heartbeat.gateway_id, at: now, upstreams: heartbeat.upstreams ?? [] });
  }

  /** The live gateways, by id. */
  gateways(): FleetGateway[] {
    this.forgetSilent(this.clock());
    return [...this.seen.values()]
      .map((gateway) => ({ gateway_id: gateway.gateway_id, last_seen: new Date(gateway.at).toISOString(), upstreams: gateway.upstreams }))
      .sort(byGatewayId);
  }

  /** Every target a live gateway reports, by origin, with the gateways that see it up or down. */
  targets(): FleetTarget[] {
    this.forgetSilent(this.clock());
    const targets = new Map<string, FleetTarget>();
    for (const gateway of [...this.seen.values()].sort(byGatewayId)) {
      for (const { origin, healthy } of gateway.upstreams) {
        let target = targets.get(origin);
        if (target === undefined) {
          target = { origin, healthy_on: 0, unhealthy_on: 0, gateways: [] };
          targets.set(origin, target);
        }
        // A gateway counts once per origin, even if its heartbeat named the origin twice.
        if (target.gateways.at(-1)?.gateway_id === gateway.gateway_id) continue;
        target.gateways.push({ gateway_id: gateway.gateway_id, healthy });
        if (healthy) target.healthy_on++;
        else target.unhealthy_on++;
      }
    }
    return [...targets.values()].sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
  }

  /** The gateways heard from at the front of the map are the oldest: stop at the first one still live. */
  private forgetSilent(now: number): void {
    for (const [id, gateway] of this.seen) {
      if (now - gateway.at <= GATEWAY_SILENT_AFTER_MS) return;
      this.seen.delete(id);
    }
  }

  private forgetLeastRecent(): void {
    const oldest = this.seen.keys().next();
    if (!oldest.done) this.seen.delete(oldest.value);
    if (this.toldFull) return;
    this.toldFull = true;
    this.onFull(this.maxGateways);
  }
}
