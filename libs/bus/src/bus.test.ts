import { NEVER, of, throwError, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Bus, type BusEvent } from './bus.js';
import type { BusTransport } from './transport.js';

/** A bus whose every emit behaves as `emit` says: the transport is the only thing faked here. */
function busWith(emit: (subject: string) => Observable<unknown>): { bus: Bus; emitted: string[] } {
  const emitted: string[] = [];
  const client = { emit: (subject: string) => (emitted.push(subject), emit(subject)) };
  return { bus: new Bus({ client, server: {}, kind: 'in-process' } as unknown as BusTransport), emitted };
}

function recordingLogger(): { warn(message: string): void; lines: string[] } {
  const lines: string[] = [];
  return { warn: (message) => lines.push(message), lines };
}

const events: BusEvent[] = [
  { subject: 'registry.api.changed', payload: { revision: 3, api_id: 'a', change: 'deleted', definition: null } },
  { subject: 'registry.policy.changed', payload: { revision: 4, policy_id: 'p', change: 'deleted', policy: null } },
];

describe('Bus.publishBestEffort', () => {
  it('publishes every event and logs nothing when they leave', async () => {
    const { bus, emitted } = busWith(() => of(undefined));
    const logger = recordingLogger();
    await bus.publishBestEffort(events, 'two changes', logger, 1_000);
    expect(emitted).toEqual(['registry.api.changed', 'registry.policy.changed']);
    expect(logger.lines).toEqual([]);
  });

  it('logs a failed publish and does not throw: the write it announces stands', async () => {
    const { bus } = busWith((subject) => (subject === 'registry.api.changed' ? throwError(() => new Error('connection closed')) : of(undefined)));
    const logger = recordingLogger();
    await expect(bus.publishBestEffort(events, 'two changes', logger, 1_000)).resolves.toBeUndefined();
    expect(logger.lines).toEqual(['could not publish two changes: connection closed']);
  });

  it('stops waiting after the bound when the bus hangs, and says so', async () => {
    const { bus } = busWith(() => NEVER);
    const logger = recordingLogger();
    const started = performance.now();
    await bus.publishBestEffort(events, 'two changes', logger, 50);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(logger.lines).toEqual(['publishing two changes is taking over 50 ms; not waiting for it']);
  });
});
