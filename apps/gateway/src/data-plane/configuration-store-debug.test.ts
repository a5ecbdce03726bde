import { afterEach, describe, expect, it, vi } from 'vitest';
import { absentAuthService, definition } from '../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../test/fixtures/enforcement.js';
import { ConfigurationStore } from './configuration-store.js';
import { wantsDebugLog } from './debug-logs.js';
import { GatewayMetrics } from './metrics.js';
import { UpstreamPools } from './upstream-pools.js';
import type { Identity } from './identity.js';

const T0 = 1_800_000_000_000;
const caller = (id: string, oauthClientId: string | null = null) => ({ id, oauthClientId }) as Identity;

function setup() {
  vi.useFakeTimers({ now: T0 });
  const store = new ConfigurationStore(
    {
      pools: new UpstreamPools(),
      metrics: new GatewayMetrics(),
      defaultTimeoutSeconds: 30,
      oauth: absentAuthService(),
      enforcement: memoryEnforcement().enforcement,
    },
    { warn: () => undefined, error: () => undefined },
    undefined,
    () => Date.now(),
  );
  return store;
}

const api = definition({ api_id: 'a', proxy: { listen_path: '/a', target_url: 'http://127.0.0.1:9' } });
const session = (id: string, identity: string, endsIn: number) => ({ id, identity, created_at: T0, expires_at: T0 + endsIn });

describe('ConfigurationStore: debug sessions', () => {
  afterEach(() => void vi.useRealTimers());

  it('holds no table (so the record step does no lookup) while no session is open', () => {
    const store = setup();
    store.replace({ revision: 1, apis: [api], policies: [], client_bindings: [] });
    expect(store.current.debugLogs).toBeNull();
    // A snapshot's session that already ended is not loaded.
    store.replace({ revision: 2, apis: [api], policies: [], client_bindings: [], debug_sessions: [session('old', 'x', -1)] });
    expect(store.current.debugLogs).toBeNull();
  });

  it('loads the open sessions of a snapshot (a restarted gateway), applies starts and cancellations in revision order', () => {
    const store = setup();
    store.replace({ revision: 1, apis: [api], policies: [], client_bindings: [], debug_sessions: [session('s1', 'x', 60_000)] });
    expect(wantsDebugLog(store.current.debugLogs!, caller('x'), Date.now())).toBe(true);
    store.apply({ revision: 2, session_id: 's2', change: 'created', session: { id: 's2', oauth_client_id: 'c', created_at: T0, expires_at: T0 + 60_000 } });
    expect(store.current.revision).toBe(2);
    expect(wantsDebugLog(store.current.debugLogs!, caller('y', 'c'), Date.now())).toBe(true);
    expect(wantsDebugLog(store.current.debugLogs!, caller('y'), Date.now())).toBe(false);
    store.apply({ revision: 3, session_id: 's1', change: 'deleted', session: null });
    expect(wantsDebugLog(store.current.debugLogs!, caller('x'), Date.now())).toBe(false);
    store.apply({ revision: 4, session_id: 's2', change: 'deleted', session: null });
    expect(store.current.debugLogs).toBeNull();
    // The APIs were not touched by any of it.
    expect(store.current.apis.get('a')).toBeDefined();
  });

  it('stops by itself at the end: the caller is no longer logged from that millisecond, and the table goes when the last session ends', () => {
    const store = setup();
    store.replace({ revision: 1, apis: [api], policies: [], client_bindings: [], debug_sessions: [session('short', 'x', 1_000), session('long', 'y', 5_000)] });
    const table = store.current.debugLogs!;
    // Even before the store's timer rebuilds the table, the end is checked per request.
    expect(wantsDebugLog(table, caller('x'), T0 + 999)).toBe(true);
    expect(wantsDebugLog(table, caller('x'), T0 + 1_000)).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(store.current.debugLogs!.identities.has('x')).toBe(false);
    expect(wantsDebugLog(store.current.debugLogs!, caller('y'), Date.now())).toBe(true);
    vi.advanceTimersByTime(4_000);
    expect(store.current.debugLogs).toBeNull();
    expect(store.current.revision).toBe(1);
  });
});
