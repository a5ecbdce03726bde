/** The gateways' own messages: their heartbeats and cache purges, with their subjects. */
import { z } from 'zod';

export const gatewaySubjects = {
  /** event: a gateway announces itself; limits shared over NATS divide among the live ones. */
  gatewayHeartbeat: 'gateway.heartbeat',
  /** event: drop an API's cached answers (Tyk's DELETE /tyk/cache/{api_id}) on every gateway keeping them in memory. */
  gatewayCachePurge: 'gateway.cache.purge',
} as const;

export interface GatewayHeartbeat {
  gateway_id: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface CachePurgeEvent {
  api_id: string;
}

/** Gateway event subjects and their payloads. */
export interface GatewayEvents {
  [gatewaySubjects.gatewayHeartbeat]: GatewayHeartbeat;
  [gatewaySubjects.gatewayCachePurge]: CachePurgeEvent;
}

/** The payload schemas of the gateways' events. */
export const gatewayEventSchemas = {
  [gatewaySubjects.gatewayHeartbeat]: z.object({ gateway_id: z.string().min(1), at: z.number() }),
  [gatewaySubjects.gatewayCachePurge]: z.object({ api_id: z.string().min(1) }),
} satisfies { [K in keyof GatewayEvents]: z.ZodType<GatewayEvents[K]> };
