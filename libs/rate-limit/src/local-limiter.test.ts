import { describe, expect, it } from 'vitest';
import { LocalLimiter } from './local-limiter.js';
import { createResult } from './result.js';
import { compileRule } from './rule.js';

const perMinute = compileRule(3, 60);

function clock(start = 0) {
  const c = { now: start, read: () => c.now };
  return c;
}

describe('LocalLimiter', () => {
  it('keeps one state per identity and API', () => {
    const time = clock();
    const limiter = new LocalLimiter({ clock: time.read, sweepIntervalMs: 0 });
    const out = createResult();
    const allowed = (identity: string, api: string) => limiter.check(identity, api, perMinute, out).allowed;
    expect([allowed('alice', 'a'), allowed('alice', 'a'), allowed('alice', 'a'), allowed('alice', 'a')]).toEqual([true, true, true, false]);
    expect(allowed('alice', 'b')).toBe(true);
    expect(allowed('bob', 'a')).toBe(true);
    expect(limiter.size).toBe(3);
  });

  it('returns the caller’s result object, filled, without a promise', () => {
    const limiter = new LocalLimiter({ clock: () => 0, sweepIntervalMs: 0 });
    const out = createResult();
    expect(limiter.check('alice', 'a', perMinute, out)).toBe(out);
  });

  it('dispatches on the rule’s algorithm', () => {
    const limiter = new LocalLimiter({ clock: () => 30_000, sweepIntervalMs: 0 });
    const out = createResult();
    limiter.check('alice', 'a', compileRule(3, 60, { algorithm: 'sliding-window' }), out);
    // The sliding window resets at the end of the fixed window (30 s away); GCRA when refilled (20 s).
    expect(out.resetMs).toBe(30_000);
    limiter.check('bob', 'a', perMinute, out);
    expect(out.resetMs).toBe(20_000);
  });

  it('sweeps states that are back to a full allowance, and only those', () => {
    const time = clock();
    const limiter = new LocalLimiter({ clock: time.read, sweepIntervalMs: 0 });
    const out = createResult();
    limiter.check('idle', 'a', perMinute, out); // full again at 20 s
    time.now = 10_000;
    limiter.check('busy', 'a', perMinute, out); // full again at 30 s
    time.now = 20_000;
    expect(limiter.sweep()).toBe(1);
    expect(limiter.size).toBe(1);
    // The swept identity starts afresh, as it would have anyway.
    expect(limiter.check('idle', 'a', perMinute, out).remaining).toBe(2);
    time.now = 30_000;
    expect(limiter.sweep()).toBe(1);
  });

  it('stays within maxKeys: idle states go first, then the oldest', () => {
    const time = clock();
    const limiter = new LocalLimiter({ clock: time.read, sweepIntervalMs: 0, maxKeys: 10 });
    const out = createResult();
    for (let i = 0; i < 10; i++) limiter.check(`id${i}`, 'a', perMinute, out);
    expect(limiter.size).toBe(10);
    limiter.check('new', 'a', perMinute, out);
    // Nothing idle: the oldest tenth (id0) was forgotten.
    expect(limiter.size).toBe(10);
    for (let i = 0; i < 3; i++) limiter.check('id1', 'a', perMinute, out);
    expect(out.allowed).toBe(false);
    time.now = 60_000;
    limiter.check('newer', 'a', perMinute, out);
    expect(limiter.size).toBe(1);
  });
});
