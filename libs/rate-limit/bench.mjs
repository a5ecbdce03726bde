#!/usr/bin/env node
/**
 * Micro-benchmark of the rate limiter's hot path (not a test): ns per check for the local, the
 * NATS-shared and the Redis limiter, the header writing, and raw `writeHead` against `setHeader`.
 * Build first (`npx tsc -b libs/rate-limit`), then:  node libs/rate-limit/bench.mjs [REDIS_URL]
 * Redis defaults to redis://127.0.0.1:6379 and is skipped when unreachable.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { appendRateLimitHeaders, compileRule, createResult, LocalLimiter, RedisLimiter, SharedOverNatsLimiter } from './dist/index.js';

const redisUrl = process.argv[2] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const rule = compileRule(1e9, 1); // never refuses: measures the check, not the refusal path
const out = createResult();

function bench(name, iterations, fn) {
  for (let i = 0; i < Math.min(iterations, 50_000); i++) fn(i); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${name.padEnd(52)} ${ns.toFixed(1).padStart(10)} ns/op`);
  return ns;
}

async function benchAsync(name, iterations, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < iterations) await fn(next++);
  };
  await Promise.all(Array.from({ length: 100 }, worker)); // warm up, also loads the script
  next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${name.padEnd(52)} ${ns.toFixed(1).padStart(10)} ns/op  (${concurrency} in flight)`);
}

const local = new LocalLimiter({ sweepIntervalMs: 0 });
bench('local GCRA, one identity', 2_000_000, () => local.check('alice', 'api', rule, out));
const identities = Array.from({ length: 10_000 }, (_, i) => `identity-${i}`);
bench('local GCRA, 10 000 identities', 2_000_000, (i) => local.check(identities[i % 10_000], 'api', rule, out));
const sliding = compileRule(1e9, 1, { algorithm: 'sliding-window' });
bench('local sliding window, one identity', 2_000_000, () => local.check('alice', 'api2', sliding, out));
const shared = new SharedOverNatsLimiter({ gatewayId: 'bench', publish: () => {}, local: { sweepIntervalMs: 0 } });
shared.onHeartbeat({ gateway_id: 'peer', at: Date.now() });
bench('NATS-shared (2 live gateways), one identity', 2_000_000, () => shared.check('alice', 'api', rule, out));

const headerRule = compileRule(100, 60);
const filled = { allowed: true, limit: 100, remaining: 42, resetMs: 34_000, retryAfterMs: 0 };
const raw = [];
bench('appendRateLimitHeaders (5 fields)', 1_000_000, () => {
  raw.length = 0;
  appendRateLimitHeaders(raw, filled, headerRule);
});

// The two ways to hand the fields to Node: one raw array to writeHead, or setHeader per field.
const base = ['content-type', 'application/json', 'content-length', '2'];
bench('writeHead(200, raw) with the fields appended', 200_000, () => {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.writeHead(200, appendRateLimitHeaders(base.slice(), filled, headerRule));
});
bench('setHeader per field, then writeHead(200)', 200_000, () => {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', '2');
  const fields = appendRateLimitHeaders([], filled, headerRule);
  for (let i = 0; i < fields.length; i += 2) res.setHeader(fields[i], fields[i + 1]);
  res.writeHead(200);
});

const redis = new RedisLimiter({ url: redisUrl, keyPrefix: `bench-rl-${process.pid}:` });
try {
  await redis.ready(2_000);
  await benchAsync('Redis GCRA (EVALSHA), sequential', 5_000, 1, (i) => redis.check(`id${i % 100}`, 'api', rule, createResult()));
  await benchAsync('Redis GCRA (EVALSHA), concurrent', 50_000, 64, (i) => redis.check(`id${i % 100}`, 'api', rule, createResult()));
} catch (error) {
  console.log(`Redis at ${redisUrl} skipped: ${error.message}`);
}
await redis.close();
await local.close();
await shared.close();
