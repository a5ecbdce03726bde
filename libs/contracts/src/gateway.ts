/** The gateways' own messages: their heartbeats and cache purges, with their subjects. */

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
