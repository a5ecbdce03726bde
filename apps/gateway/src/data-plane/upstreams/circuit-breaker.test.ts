import { describe, expect, it } from 'vitest';
import { ADMITTED, CircuitBreaker, REFUSED, TRIAL, type BreakerEvent } from './circuit-breaker.js';

const labels = { api_id: 'a', version: 'Default', method: 'GET', path: '/x' };

function breaker(overrides: { disableHalfOpenState?: boolean } = {}) {
  let now = 1_000_000;
  const events: BreakerEvent[] = [];
  const spec = {
    path: '/x',
    method: 'GET',
    thresholdPercent: 0.5,
    samples: 4,
    returnToServiceAfter: 10,
    disableHalfOpenState: overrides.disableHalfOpenState ?? false,
  };
  const subject = new CircuitBreaker(
    spec,
    labels,
    (event) => events.push(event),
    () => now,
  );
  return { subject, events, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('trips when the failures among the last `samples` reach threshold_percent, not before `samples` requests', () => {
    const { subject, events } = breaker();
    subject.record(false, false);
    subject.record(false, false);
    subject.record(false, false);
    expect(subject.state).toBe('closed');
    subject.record(true, false);
    expect(subject.state).toBe('open');
    expect(events).toEqual(['BreakerTripped']);
    expect(subject.admit()).toBe(REFUSED);
  });

  it('stays closed while failures stay under the threshold (a sliding window)', () => {
    const { subject } = breaker();
    for (let i = 0; i < 20; i++) subject.record(i % 4 !== 0, false);
    expect(subject.state).toBe('closed');
  });

  it('after return_to_service_after lets exactly one trial through; its success closes the breaker', () => {
    const { subject, events, advance } = breaker();
    for (let i = 0; i < 4; i++) subject.record(false, false);
    advance(9_999);
    expect(subject.admit()).toBe(REFUSED);
    advance(1);
    expect(subject.admit()).toBe(TRIAL);
    expect(subject.state).toBe('half-open');
    expect(subject.admit()).toBe(REFUSED);
    subject.record(true, true);
    expect(subject.state).toBe('closed');
    expect(subject.admit()).toBe(ADMITTED);
    expect(events).toEqual(['BreakerTripped', 'BreakerReset']);
  });

  it('a failed trial opens it again for another wait; a released trial frees the slot', () => {
    const { subject, events, advance } = breaker();
    for (let i = 0; i < 4; i++) subject.record(false, false);
    advance(10_000);
    expect(subject.admit()).toBe(TRIAL);
    subject.release(true);
    expect(subject.admit()).toBe(TRIAL);
    subject.record(false, true);
    expect(subject.state).toBe('open');
    expect(subject.admit()).toBe(REFUSED);
    expect(events).toEqual(['BreakerTripped', 'BreakerTripped']);
  });

  it('with disable_half_open_state closes as soon as the wait is over', () => {
    const { subject, events, advance } = breaker({ disableHalfOpenState: true });
    for (let i = 0; i < 4; i++) subject.record(false, false);
    advance(10_000);
    expect(subject.admit()).toBe(ADMITTED);
    expect(subject.admit()).toBe(ADMITTED);
    expect(events).toEqual(['BreakerTripped', 'BreakerReset']);
  });

  it('ignores outcomes of requests admitted before it opened', () => {
    const { subject } = breaker();
    for (let i = 0; i < 4; i++) subject.record(false, false);
    subject.record(true, false);
    expect(subject.state).toBe('open');
  });
});
