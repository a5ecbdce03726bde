import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { compileRule, createRateLimiter, createResult, LocalLimiter, RedisLimiter, type LimiterLog, type RateLimitResult } from '../src/index.js';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { describeWithRedis, testServices } from '../../../tools/test/with-services.js';

const prefix = `test-rl-${process.pid}-${Date.now().toString(36)}:`;
// 100 an hour: nothing is earned back while the test runs, so "exactly 100" is the right answer.
const hundredAnHour = compileRule(100, 3_600);

function recordingLog() {
  const warnings: string[] = [];
  const infos: string[] = [];
  const log: LimiterLog = { warn: (_d, m) => warnings.push(m), info: (_d, m) => infos.push(m) };
  return { log, warnings, infos };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A Redis of our own, so the outage test can stop it without touching the machine's. */
async function startOwnRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await probe.connect();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  return child;
}

async function stopOwnRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describeWithRedis('RedisLimiter on a real Redis', () => {
  const limiters: RedisLimiter[] = [];
  const open = (options: Partial<ConstructorParameters<typeof RedisLimiter>[0]> = {}) => {
    const limiter = new RedisLimiter({ url: testServices.redisUrl, keyPrefix: prefix, fallback: new LocalLimiter({ sweepIntervalMs: 0 }), ...options });
    limiters.push(limiter);
    return limiter;
  };

  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    const cleaner = new Redis(testServices.redisUrl);
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    cleaner.disconnect();
  });

  it('is exact across three limiters sharing Redis: 100 of 300 concurrent tries', async () => {
    const three = [open(), open(), open()];
    await Promise.all(three.map((l) => l.ready()));
    const tries = Array.from({ length: 300 }, async (_, i) => three[i % 3]!.check('alice', 'api-1', hundredAnHour, createResult()));
    const results = await Promise.all(tries);
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    const refused = results.find((r) => !r.allowed)!;
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterMs).toBeGreaterThan(35_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(36_000);
    expect(three.every((l) => !l.degraded)).toBe(true);
    // Another identity, and another API of the same identity, have their own limits.
    expect((await three[0]!.check('bob', 'api-1', hundredAnHour, createResult())).allowed).toBe(true);
    expect((await three[1]!.check('alice', 'api-2', hundredAnHour, createResult())).allowed).toBe(true);
  });

  it('reports remaining and reset as the local GCRA does, and expires idle keys', async () => {
    const limiter = open();
    await limiter.ready();
    const out = createResult();
    const rule = compileRule(5, 60);
    await limiter.check('carol', 'api-1', rule, out);
    expect(out).toMatchObject({ allowed: true, limit: 5, remaining: 4, retryAfterMs: 0 });
    expect(out.resetMs).toBeGreaterThan(11_900);
    expect(out.resetMs).toBeLessThanOrEqual(12_000);
    const inspector = new Redis(testServices.redisUrl);
    const ttl = await inspector.pttl(`${prefix}api-1:carol`).finally(() => inspector.disconnect());
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(12_000);
  });

  it('runs the sliding-window algorithm in Redis too', async () => {
    const two = [open(), open()];
    await Promise.all(two.map((l) => l.ready()));
    const rule = compileRule(10, 3_600, { algorithm: 'sliding-window' });
    const results = await Promise.all(Array.from({ length: 30 }, async (_, i) => two[i % 2]!.check('dave', 'api-1', rule, createResult())));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    // The same identity and API under GCRA has its own state: no WRONGTYPE, no outage.
    expect((await two[0]!.check('dave', 'api-1', compileRule(10, 3_600), createResult())).allowed).toBe(true);
    expect(two[0]!.degraded).toBe(false);
  });

  it('while Redis is unreachable, decides by the NATS-shared limit (createRateLimiter): fail open, not unlimited', async () => {
    const port = await freePort(); // nothing listens there
    const { limiter, shared } = createRateLimiter({ redisUrl: `redis://127.0.0.1:${port}`, gatewayId: 'gw-a', publish: () => {} });
    limiters.push(limiter as RedisLimiter);
    shared.onHeartbeat({ gateway_id: 'gw-b', at: Date.now() });
    const rule = compileRule(10, 3_600);
    const results = await Promise.all(Array.from({ length: 20 }, async () => limiter.check('frank', 'api', rule, createResult())));
    // Two live gateways: this one's share is 5.
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it('fails open on the local fallback when Redis goes away, logs once, and shares again when it is back', async () => {
    const port = await freePort();
    let redis = await startOwnRedis(port);
    const { log, warnings, infos } = recordingLog();
    const fallback = new LocalLimiter({ sweepIntervalMs: 0 });
    const limiter = open({ url: `redis://127.0.0.1:${port}`, fallback, log });
    try {
      await limiter.ready();
      const rule = compileRule(3, 3_600);
      const out = createResult();
      for (let i = 0; i < 3; i++) expect((await limiter.check('erin', 'api', rule, out)).allowed).toBe(true);
      expect((await limiter.check('erin', 'api', rule, out)).allowed).toBe(false);

      await stopOwnRedis(redis);
      await until(() => limiter.degraded, 'the limiter to notice the outage');
      // Decided at once by the fallback (a fresh local allowance: fail open, not unlimited), never a rejection.
      const during: RateLimitResult[] = [];
      for (let i = 0; i < 5; i++) during.push(await limiter.check('erin', 'api', rule, createResult()));
      expect(during.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
      expect(fallback.size).toBe(1);
      expect(warnings).toHaveLength(1);

      redis = await startOwnRedis(port);
      await until(() => !limiter.degraded, 'the limiter to reconnect', 10_000);
      expect(infos).toHaveLength(1);
      // Back on Redis: the new (empty) server's count, not the fallback's.
      expect((await limiter.check('erin', 'api', rule, out)).allowed).toBe(true);
      expect(out.remaining).toBe(2);
      expect(warnings).toHaveLength(1);
    } finally {
      await stopOwnRedis(redis);
    }
  });
});
