import { describe, expect, it } from 'vitest';
import { gatewayEventSchemas, gatewaySubjects } from './gateway.js';
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
});
