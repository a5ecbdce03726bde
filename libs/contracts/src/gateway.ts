/** The gateways' own messages: their heartbeats and cache purges, with their subjects. */
import { z } from 'zod';

export const gatewaySubjects = {
  /** event: a gateway announces itself; limits shared over NATS divide among the live ones, the registry lists the fleet. */
  gatewayHeartbeat: 'gateway.heartbeat',
  /** event: drop an API's cached answers (Tyk's DELETE /tyk/cache/{api_id}) on every gateway keeping them in memory. */
  gatewayCachePurge: 'gateway.cache.purge',
} as const;

/** How often a gateway publishes `gateway.heartbeat` (ms). Whoever listens derives its expiry from it. */
export const GATEWAY_HEARTBEAT_INTERVAL_MS = 1_000;
/**
 * A gateway not heard from for longer than this (ms) is gone: three missed heartbeats, so one lost
 * or late message never drops a live gateway.
 */
export const GATEWAY_SILENT_AFTER_MS = 3 * GATEWAY_HEARTBEAT_INTERVAL_MS;
/**
 * Bounds of a heartbeat's `upstreams` (every second from every gateway): a gateway with more
 * health-checked targets sends the first ones, so its heartbeat stays valid for its peers.
 */
export const HEARTBEAT_MAX_UPSTREAMS = 256;
/** A gateway's id is host name, pid and a random suffix (a host name is at most 253 characters). */
export const HEARTBEAT_MAX_GATEWAY_ID_LENGTH = 512;
/** An origin is scheme://host:port; a DNS name is at most 253 characters. */
export const HEARTBEAT_MAX_ORIGIN_LENGTH = 300;

/** The health of one load-balanced target as the sending gateway sees it. */
export interface HeartbeatUpstream {
  /** scheme://host:port */
  origin: string;
  healthy: boolean;
}

export interface GatewayHeartbeat {
  gateway_id: string;
  /** Milliseconds since the epoch. */
  at: number;
  /**
   * The health of this gateway's load-balanced (health-checked) targets; absent when it has none,
   * and from gateways older than the field.
   */
  upstreams?: HeartbeatUpstream[];
}

export interface CachePurgeEvent {
  api_id: string;
}

/** Gateway event subjects and their payloads. */
export interface GatewayEvents {
  [gatewaySubjects.gatewayHeartbeat]: GatewayHeartbeat;
  [gatewaySubjects.gatewayCachePurge]: CachePurgeEvent;
}

const heartbeatUpstreamSchema = z.object({ origin: z.string().min(1).max(HEARTBEAT_MAX_ORIGIN_LENGTH), healthy: z.boolean() });

/** The payload schemas of the gateways' events. */
export const gatewayEventSchemas = {
  [gatewaySubjects.gatewayHeartbeat]: z.object({
    gateway_id: z.string().min(1).max(HEARTBEAT_MAX_GATEWAY_ID_LENGTH),
    at: z.number(),
    upstreams: z.array(heartbeatUpstreamSchema).max(HEARTBEAT_MAX_UPSTREAMS).optional(),
  }),
  [gatewaySubjects.gatewayCachePurge]: z.object({ api_id: z.string().min(1) }),
} satisfies { [K in keyof GatewayEvents]: z.ZodType<GatewayEvents[K]> };
