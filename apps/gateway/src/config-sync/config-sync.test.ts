import type { ApiChangedEvent, PolicyChangedEvent, RegistrySnapshot } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import type { ConfigChangedEvent } from '@portcullis/contracts';
import { ConfigSync, exponentialBackoff, type ConfigurationSink, type SnapshotSource } from './config-sync.js';

/** A snapshot source whose answers the test hands out one by one. */
class FakeSource implements SnapshotSource {
  requests = 0;
  private waiting: { resolve: (s: RegistrySnapshot) => void; reject: (e: Error) => void }[] = [];

  fetch(): Promise<RegistrySnapshot> {
    this.requests++;
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  answer(revision: number, ids: string[] = []): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no snapshot request is waiting');
    next.resolve({ revision, apis: ids.map(definition), policies: [], client_bindings: [] });
  }

  answerRaw(value: unknown): void {
    this.waiting.shift()!.resolve(value as RegistrySnapshot);
  }

  failNext(): void {
    this.waiting.shift()!.reject(new Error('registry unreachable'));
  }

  get pending(): number {
    return this.waiting.length;
  }
}

/** Records what was applied, in order, as the store would see it. */
class RecordingSink implements ConfigurationSink {
  readonly log: string[] = [];
  ids = new Set<string>();

  replace(snapshot: RegistrySnapshot): void {
    this.log.push(`snapshot@${snapshot.revision}`);
    this.ids = new Set(snapshot.apis.map((api) => api.api_id));
  }

  apply(event: ConfigChangedEvent): void {
    if ('apis' in event) {
      this.log.push(`batch of ${event.apis.length}@${event.revision}`);
      for (const change of event.apis) this.ids.add(change.api_id);
      return;
    }
    if ('client_id' in event) {
      this.log.push(`${event.change} binding ${event.client_id}@${event.revision}`);
      return;
    }
    if ('cert_id' in event) {
      this.log.push(`${event.change} certificate ${event.cert_id}@${event.revision}`);
      return;
    }
    if ('session_id' in event) {
      this.log.push(`${event.change} debug session ${event.session_id}@${event.revision}`);
      return;
    }
    if ('policy_id' in event) {
      this.log.push(`${event.change} policy ${event.policy_id}@${event.revision}`);
      return;
    }
    this.log.push(`${event.change} ${event.api_id}@${event.revision}`);
    if (event.change === 'deleted') this.ids.delete(event.api_id);
    else this.ids.add(event.api_id);
  }
}

function definition(api_id: string): ApiDefinition {
  return { api_id, name: api_id, proxy: { listen_path: `/${api_id}`, target_url: 'http://upstream' } } as ApiDefinition;
}

function event(revision: number, api_id: string, change: ApiChangedEvent['change'] = 'created'): ApiChangedEvent {
  return { revision, api_id, change, definition: change === 'deleted' ? null : definition(api_id) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const source = new FakeSource();
  const sink = new RecordingSink();
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const sync = new ConfigSync(
    source,
    sink,
    { backoff: (attempt) => 100 * (attempt + 1), sleep: async (ms) => void sleeps.push(ms) },
    { info: () => undefined, warn: (message) => void warnings.push(message) },
  );
  return { source, sink, sync, sleeps, warnings };
}

describe('ConfigSync', () => {
  it('loads the snapshot, then applies the next events in order', async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    source.answer(3, ['a']);
    await loaded;
    sync.onEvent(event(4, 'b'));
    sync.onEvent(event(5, 'a', 'deleted'));
    expect(sink.log).toEqual(['snapshot@3', 'created b@4', 'deleted a@5']);
    expect([...sink.ids]).toEqual(['b']);
    expect(sync.revision).toBe(5);
  });

  it('buffers events that arrive while the snapshot is in flight and applies only the newer ones after it', async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    // Out of order, and partly already contained in the snapshot (revision 5).
    sync.onEvent(event(7, 'late'));
    sync.onEvent(event(5, 'old'));
    sync.onEvent(event(6, 'new'));
    expect(sink.log).toEqual([]);
    source.answer(5, ['old']);
    await loaded;
    expect(sink.log).toEqual(['snapshot@5', 'created new@6', 'created late@7']);
    expect(sync.revision).toBe(7);
    expect(source.requests).toBe(1);
  });

  it('buffers events that arrive before the first snapshot was even asked for', async () => {
    const { source, sink, sync } = setup();
    sync.onEvent(event(2, 'early'));
    const loaded = sync.resync();
    source.answer(1);
    await loaded;
    expect(sink.log).toEqual(['snapshot@1', 'created early@2']);
  });

  it("orders an import's batch events on the same counter as single changes", async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    source.answer(1);
    await loaded;
    sync.onEvent({ revision: 2, policies: [], apis: [event(0, 'a'), event(0, 'b')].map(({ revision: _, ...change }) => change) });
    sync.onEvent(event(3, 'c'));
    expect(sink.log).toEqual(['snapshot@1', 'batch of 2@2', 'created c@3']);
    expect([...sink.ids].sort()).toEqual(['a', 'b', 'c']);
    expect(source.requests).toBe(1);
  });

  it('ignores stale and repeated events', async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    source.answer(10, ['a']);
    await loaded;
    sync.onEvent(event(9, 'x'));
    sync.onEvent(event(10, 'y'));
    sync.onEvent(event(11, 'z'));
    sync.onEvent(event(11, 'z'));
    expect(sink.log).toEqual(['snapshot@10', 'created z@11']);
    expect(source.requests).toBe(1);
  });

  it('fetches a fresh snapshot when a revision was skipped, then applies the waiting event if newer', async () => {
    const { source, sink, sync, warnings } = setup();
    const loaded = sync.resync();
    source.answer(1);
    await loaded;
    sync.onEvent(event(4, 'gap'));
    expect(source.requests).toBe(2);
    expect(warnings.some((w) => w.includes('missed a change'))).toBe(true);
    // The registry was at 3 when it answered; event 4 is still to be applied.
    source.answer(3, ['two', 'three']);
    await flush();
    expect(sink.log).toEqual(['snapshot@1', 'snapshot@3', 'created gap@4']);
    expect(sync.revision).toBe(4);
  });

  it('drops the waiting event when the fresh snapshot already contains it', async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    source.answer(1);
    await loaded;
    sync.onEvent(event(3, 'gap'));
    source.answer(3, ['gap']);
    await flush();
    expect(sink.log).toEqual(['snapshot@1', 'snapshot@3']);
  });

  it('asks again when the buffered events after a snapshot still have a hole', async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    sync.onEvent(event(9, 'far'));
    source.answer(5);
    await flush();
    expect(source.requests).toBe(2);
    source.answer(8);
    await loaded;
    expect(sink.log).toEqual(['snapshot@5', 'snapshot@8', 'created far@9']);
  });

  it('retries a failed snapshot request with backoff until it succeeds, keeping the old configuration meanwhile', async () => {
    const { source, sink, sync, sleeps } = setup();
    const first = sync.resync();
    source.answer(1, ['a']);
    await first;
    const again = sync.resync();
    source.failNext();
    await flush();
    source.failNext();
    await flush();
    expect(sink.log).toEqual(['snapshot@1']);
    expect([...sink.ids]).toEqual(['a']);
    source.answer(2, ['a', 'b']);
    await again;
    expect(sleeps).toEqual([100, 200]);
    expect(sink.log).toEqual(['snapshot@1', 'snapshot@2']);
  });

  it('treats a malformed snapshot as a failed request and asks again', async () => {
    const { source, sink, sync, warnings } = setup();
    const loaded = sync.resync();
    source.answerRaw({ revision: 'seven', apis: null });
    await flush();
    source.answerRaw({ revision: 2, apis: [{ name: 'no id or proxy' }], policies: [] });
    await flush();
    source.answerRaw({ revision: 2, apis: [] });
    await flush();
    source.answerRaw({ revision: 2, apis: [], policies: [{ name: 'no id' }] });
    await flush();
    expect(sink.log).toEqual([]);
    expect(warnings.filter((w) => w.includes('malformed snapshot'))).toHaveLength(4);
    source.answer(2, ['a']);
    await loaded;
    expect(sink.log).toEqual(['snapshot@2']);
  });

  it('runs one more fetch when a resync is asked for during a fetch', async () => {
    const { source, sync } = setup();
    const first = sync.resync();
    const second = sync.resync();
    expect(source.requests).toBe(1);
    source.answer(1);
    await flush();
    expect(source.requests).toBe(2);
    source.answer(2);
    await Promise.all([first, second]);
    expect(sync.revision).toBe(2);
  });

  it('orders policy and API events on the one revision counter they share', async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    source.answer(1);
    await loaded;
    const policyEvent: PolicyChangedEvent = { revision: 3, policy_id: 'gold', change: 'created', policy: { id: 'gold' } as PolicyChangedEvent['policy'] };
    sync.onEvent(policyEvent);
    // Revision 2 has not arrived: the policy event waits for a snapshot rather than being applied out of order.
    expect(source.requests).toBe(2);
    source.answer(2);
    await flush();
    sync.onEvent(event(4, 'b'));
    expect(sink.log).toEqual(['snapshot@1', 'snapshot@2', 'created policy gold@3', 'created b@4']);
    expect(sync.revision).toBe(4);
  });

  it('stops fetching and applying once stopped', async () => {
    const { source, sink, sync } = setup();
    const loaded = sync.resync();
    sync.stop();
    source.answer(1);
    await loaded;
    sync.onEvent(event(2, 'x'));
    expect(sink.log).toEqual([]);
    expect(source.pending).toBe(0);
  });
});

describe('ConfigSync and the bus connection', () => {
  it('reports the connection, and fetches a fresh snapshot when the bus comes back', async () => {
    const { source, sink, sync } = setup();
    expect(sync.connected).toBe(false);
    sync.onBusStatus('connected');
    expect(sync.connected).toBe(true);
    const loaded = sync.resync();
    source.answer(1, ['a']);
    await loaded;
    expect(source.requests).toBe(1);

    sync.onBusStatus('disconnected');
    sync.onBusStatus('reconnecting');
    expect(sync.connected).toBe(false);
    // Meanwhile the old configuration stays.
    expect([...sink.ids]).toEqual(['a']);
    expect(source.requests).toBe(1);

    sync.onBusStatus('connected');
    expect(sync.connected).toBe(true);
    expect(source.requests).toBe(2);
    source.answer(4, ['a', 'b']);
    await flush();
    expect(sink.log).toEqual(['snapshot@1', 'snapshot@4']);
  });

  it('does not refetch on a repeated connected status without a loss in between', async () => {
    const { source, sync } = setup();
    sync.onBusStatus('connected');
    sync.onBusStatus('connected');
    expect(source.requests).toBe(0);
  });
});

describe('exponentialBackoff', () => {
  it('doubles from 200 ms up to 5 s, within ±20 % jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map((attempt) => exponentialBackoff(attempt, () => 0.5))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(exponentialBackoff(0, () => 0)).toBe(160);
    expect(exponentialBackoff(0, () => 1)).toBe(240);
  });
});
