import { describe, expect, it } from 'vitest';
import { gatewayEventSchemas, gatewaySubjects, HEARTBEAT_MAX_ORIGIN_LENGTH, HEARTBEAT_MAX_UPSTREAMS } from './gateway.js';
import { checkPayload } from './payload.js';

function refused(schema: Parameters<typeof checkPayload>[0], payload: unknown): string[] {
  const checked = checkPayload(schema, payload);
  return checked.ok ? [] : checked.problems.map((problem) => problem.field);
}

describe('gateway contracts', () => {
  it('give every event subject a schema', () => {
    expect(Object.keys(gatewayEventSchemas).sort()).toEqual(Object.values(gatewaySubjects).sort());
  });

  it('refuse a malformed heartbeat or cache purge, naming the field', () => {
    expect(refused(gatewayEventSchemas[gatewaySubjects.gatewayHeartbeat], { gateway_id: 'g1', at: 1 })).toEqual([]);
    expect(refused(gatewayEventSchemas[gatewaySubjects.gatewayHeartbeat], { gateway_id: '', at: 'now' })).toEqual(['gateway_id', 'at']);
    expect(refused(gatewayEventSchemas[gatewaySubjects.gatewayCachePurge], {})).toEqual(['api_id']);
  });

  it("take a heartbeat's target health, bounded, and one without it (older gateways)", () => {
    const heartbeat = gatewayEventSchemas[gatewaySubjects.gatewayHeartbeat];
    const target = (i: number) => ({ origin: `http://10.0.0.${i % 250}:${1000 + i}`, healthy: i % 2 === 0 });
    const full = Array.from({ length: HEARTBEAT_MAX_UPSTREAMS }, (_, i) => target(i));
    expect(refused(heartbeat, { gateway_id: 'g1', at: 1, upstreams: full })).toEqual([]);
    expect(refused(heartbeat, { gateway_id: 'g1', at: 1, upstreams: [...full, target(999)] })).toEqual(['upstreams']);
    expect(refused(heartbeat, { gateway_id: 'g1', at: 1, upstreams: [{ origin: 'h'.repeat(HEARTBEAT_MAX_ORIGIN_LENGTH + 1), healthy: true }] })).toEqual([
      'upstreams.0.origin',
    ]);
    expect(refused(heartbeat, { gateway_id: 'g1', at: 1, upstreams: [{ origin: '', healthy: 'yes' }] })).toEqual(['upstreams.0.origin', 'upstreams.0.healthy']);
    expect(refused(heartbeat, { gateway_id: 'g'.repeat(513), at: 1 })).toEqual(['gateway_id']);
  });
});
