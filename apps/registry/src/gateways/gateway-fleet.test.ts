import { Logger } from '@nestjs/common';
import { GATEWAY_HEARTBEAT_INTERVAL_MS, GATEWAY_SILENT_AFTER_MS } from '@portcullis/contracts';
import { describe, expect, it, vi } from 'vitest';
import { GatewayFleet } from './gateway-fleet.js';
import { GatewayHeartbeatsMessages } from './gateway-heartbeats.messages.js';

/** A fleet on a clock the test moves. */
function fleetAt(start = Date.UTC(2026, 0, 1), options: { maxGateways?: number; onFull?: (max: number) => void } = {}) {
  let now = start;
  const fleet = new GatewayFleet({ clock: () => now, ...options });
  return { fleet, advance: (ms: number) => (now += ms) };
}

const ids = (fleet: GatewayFleet) => fleet.gateways().map((gateway) => gateway.gateway_id);

describe('GatewayFleet', () => {
  it('keeps the latest heartbeat of each gateway, seen on its own clock', () => {
    const { fleet, advance } = fleetAt();
    fleet.record({ gateway_id: 'g2', at: 0, upstreams: [{ origin: 'http://a:1', healthy: true }] });
    fleet.record({ gateway_id: 'g1', at: 0 });
    advance(500);
    fleet.record({ gateway_id: 'g2', at: 0, upstreams: [{ origin: 'http://a:1', healthy: false }] });
    expect(fleet.gateways()).toEqual([
      { gateway_id: 'g1', last_seen: '2026-01-01T00:00:00.000Z', upstreams: [] },
      { gateway_id: 'g2', last_seen: '2026-01-01T00:00:00.500Z', upstreams: [{ origin: 'http://a:1', healthy: false }] },
    ]);
  });

  it('forgets a gateway silent for more than three heartbeat intervals, and only then', () => {
    expect(GATEWAY_SILENT_AFTER_MS).toBe(3 * GATEWAY_HEARTBEAT_INTERVAL_MS);
    const { fleet, advance } = fleetAt();
    fleet.record({ gateway_id: 'quiet', at: 0, upstreams: [{ origin: 'http://a:1', healthy: true }] });
    fleet.record({ gateway_id: 'beating', at: 0 });
    for (let beat = 0; beat < 3; beat++) {
      advance(GATEWAY_HEARTBEAT_INTERVAL_MS);
      fleet.record({ gateway_id: 'beating', at: 0 });
    }
    expect(ids(fleet)).toEqual(['beating', 'quiet']);
    advance(1);
    expect(ids(fleet)).toEqual(['beating']);
    expect(fleet.targets()).toEqual([]);
    // A forgotten gateway that beats again is back.
    fleet.record({ gateway_id: 'quiet', at: 0 });
    expect(ids(fleet)).toEqual(['beating', 'quiet']);
  });

  it('counts each target over the live gateways, sorted by origin, a gateway once per origin', () => {
    const { fleet } = fleetAt();
    fleet.record({
      gateway_id: 'g2',
      at: 0,
      upstreams: [
        { origin: 'http://b:2', healthy: false },
        { origin: 'http://a:1', healthy: true },
      ],
    });
    fleet.record({
      gateway_id: 'g1',
      at: 0,
      upstreams: [
        { origin: 'http://a:1', healthy: true },
        { origin: 'http://b:2', healthy: true },
        { origin: 'http://b:2', healthy: true },
      ],
    });
    fleet.record({ gateway_id: 'g3', at: 0 });
    expect(fleet.targets()).toEqual([
      {
        origin: 'http://a:1',
        healthy_on: 2,
        unhealthy_on: 0,
        gateways: [
          { gateway_id: 'g1', healthy: true },
          { gateway_id: 'g2', healthy: true },
        ],
      },
      {
        origin: 'http://b:2',
        healthy_on: 1,
        unhealthy_on: 1,
        gateways: [
          { gateway_id: 'g1', healthy: true },
          { gateway_id: 'g2', healthy: false },
        ],
      },
    ]);
  });

  it('remembers at most maxGateways, forgetting the least recently heard, and says so once', () => {
    const onFull = vi.fn();
    const { fleet, advance } = fleetAt(0, { maxGateways: 3, onFull });
    for (const id of ['g1', 'g2', 'g3']) {
      fleet.record({ gateway_id: id, at: 0 });
      advance(10);
    }
    fleet.record({ gateway_id: 'g1', at: 0 });
    advance(10);
    fleet.record({ gateway_id: 'g4', at: 0 });
    expect(ids(fleet)).toEqual(['g1', 'g3', 'g4']);
    fleet.record({ gateway_id: 'g5', at: 0 });
    expect(ids(fleet)).toEqual(['g1', 'g4', 'g5']);
    expect(onFull).toHaveBeenCalledTimes(1);
    expect(onFull).toHaveBeenCalledWith(3);
  });
});

describe('GatewayHeartbeatsMessages', () => {
  it('records well-formed heartbeats and ignores malformed ones, warning once', () => {
    const { fleet } = fleetAt();
    const messages = new GatewayHeartbeatsMessages(fleet);
    const warnings: string[] = [];
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    try {
      messages.onHeartbeat({ gateway_id: 'g1', at: 1, upstreams: [{ origin: 'http://a:1', healthy: 'yes' }] });
      messages.onHeartbeat({ gateway_id: '', at: 1 });
      messages.onHeartbeat(null);
    } finally {
      warn.mockRestore();
    }
    expect(ids(fleet)).toEqual([]);
    expect(warnings).toEqual(['ignored a malformed gateway.heartbeat event (upstreams.0.healthy)']);
    messages.onHeartbeat({ gateway_id: 'g1', at: 1, upstreams: [{ origin: 'http://a:1', healthy: true }] });
    // An older gateway's heartbeat, without the field, is valid.
    messages.onHeartbeat({ gateway_id: 'g0', at: 1 });
    expect(fleet.gateways().map(({ gateway_id, upstreams }) => ({ gateway_id, upstreams }))).toEqual([
      { gateway_id: 'g0', upstreams: [] },
      { gateway_id: 'g1', upstreams: [{ origin: 'http://a:1', healthy: true }] },
    ]);
  });
});
