import { subjects, type GatewayHeartbeat } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { createResult } from './result.js';
import { compileRule } from './rule.js';
import { SharedOverNatsLimiter } from './shared-over-nats-limiter.js';

const hundredAMinute = compileRule(100, 60);

/** Gateways wired to one fake bus: every heartbeat reaches every gateway, as on NATS. */
function fleet(size: number, time: { now: number }) {
  const gateways: SharedOverNatsLimiter[] = [];
  const sent: [string, GatewayHeartbeat][] = [];
  const publish = (subject: string, heartbeat: GatewayHeartbeat) => {
    sent.push([subject, heartbeat]);
    for (const gateway of gateways) gateway.onHeartbeat(heartbeat);
  };
  for (let i = 0; i < size; i++) {
    gateways.push(new SharedOverNatsLimiter({ gatewayId: `gw${i}`, publish, clock: () => time.now, local: { sweepIntervalMs: 0 } }));
  }
  return { gateways, sent, beatAll: () => gateways.forEach((g) => g.beat()) };
}

describe('SharedOverNatsLimiter', () => {
  it('announces itself on gateway.heartbeat with its id and the time', () => {
    const time = { now: 1_234 };
    const { gateways, sent } = fleet(1, time);
    gateways[0]!.beat();
    expect(sent).toEqual([[subjects.gatewayHeartbeat, { gateway_id: 'gw0', at: 1_234 }]]);
  });

  it.each([
    [1, 100],
    [2, 50],
    [3, 34],
  ])('with %i live gateway(s) each enforces ceil(100 / peers) = %i', (peers, share) => {
    const time = { now: 0 };
    const { gateways, beatAll } = fleet(peers, time);
    beatAll();
    const out = createResult();
    expect(gateways[0]!.livePeers()).toBe(peers);
    let allowed = 0;
    for (let i = 0; i < 200; i++) if (gateways[0]!.check('alice', 'api', hundredAMinute, out).allowed) allowed++;
    expect(allowed).toBe(share);
    expect(out.limit).toBe(share);
  });

  /** Round-robin `count` requests over `durationMs` through a fleet of three, heartbeats each second. */
  function roundRobin(count: number, durationMs: number): number {
    const time = { now: 0 };
    const { gateways, beatAll } = fleet(3, time);
    const out = createResult();
    let allowed = 0;
    let lastBeat = -1_000;
    for (let i = 0; i < count; i++) {
      time.now = Math.floor((i * durationMs) / count);
      if (time.now - lastBeat >= 1_000) {
        beatAll();
        lastBeat = time.now;
      }
      if (gateways[i % 3]!.check('alice', 'api', hundredAMinute, out).allowed) allowed++;
    }
    return allowed;
  }

  it('lets no more than 110 of a 100/min key through three gateways behind round-robin', () => {
    // 900 requests in 3 s: 3 × 34 at once, then each gateway earns one back every 60 s / 34.
    const allowed = roundRobin(900, 3_000);
    expect(allowed).toBeGreaterThanOrEqual(100);
    expect(allowed).toBeLessThanOrEqual(110);
  });

  it('over longer runs stays within N + peers − 1 plus what the rate earns back', () => {
    const share = 34;
    const earned = (ms: number) => 3 * Math.floor(ms / (60_000 / share));
    expect(roundRobin(3_000, 6_000)).toBeLessThanOrEqual(100 + 2 + earned(6_000));
    expect(roundRobin(3_000, 30_000)).toBeLessThanOrEqual(100 + 2 + earned(30_000));
  });

  it('stops counting a peer not heard from for more than 3 s', () => {
    const time = { now: 0 };
    const { gateways } = fleet(3, time);
    const [me, alive, dead] = gateways as [SharedOverNatsLimiter, SharedOverNatsLimiter, SharedOverNatsLimiter];
    alive.beat();
    dead.beat();
    expect(me.livePeers()).toBe(3);
    time.now = 2_000;
    alive.beat();
    time.now = 3_000;
    expect(me.livePeers()).toBe(3);
    time.now = 3_001;
    expect(me.livePeers()).toBe(2);
    const out = createResult();
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (me.check('alice', 'api', hundredAMinute, out).allowed) allowed++;
    expect(allowed).toBe(50);
    time.now = 5_001;
    expect(me.livePeers()).toBe(1);
  });

  it('counts a peer that comes back at once', () => {
    const time = { now: 0 };
    const { gateways } = fleet(2, time);
    expect(gateways[0]!.livePeers()).toBe(1);
    gateways[1]!.beat();
    expect(gateways[0]!.livePeers()).toBe(2);
  });

  it('survives a failing publish, logging once until it works again', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    let fail = true;
    const limiter = new SharedOverNatsLimiter({
      gatewayId: 'gw',
      publish: () => (fail ? Promise.reject(new Error('no NATS')) : Promise.resolve()),
      log: { warn: (_d, m) => warnings.push(m), info: (_d, m) => infos.push(m) },
      local: { sweepIntervalMs: 0 },
    });
    limiter.beat();
    limiter.beat();
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(1);
    fail = false;
    limiter.beat();
    await new Promise((resolve) => setImmediate(resolve));
    expect(infos).toHaveLength(1);
  });
});
