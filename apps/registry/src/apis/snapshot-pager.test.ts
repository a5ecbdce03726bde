import type { RegistrySnapshot } from '@portcullis/contracts';
import type { Bus } from '@portcullis/bus';
import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import type { ApiStore } from '../storage/api-store.js';
import { SnapshotPager } from './snapshot-pager.js';

/** A store whose configuration the test changes; counts the snapshots read (one transaction each). */
function storeOf(count: number) {
  const state = { revision: 7, count, reads: 0 };
  const store = {
    snapshot: async (): Promise<RegistrySnapshot> => {
      state.reads++;
      const apis = Array.from({ length: state.count }, (_, i) => ({ api_id: `api-${i}`, padding: 'x'.repeat(100) }) as never);
      return { revision: state.revision, apis, policies: [], client_bindings: [] };
    },
  } as unknown as ApiStore;
  return { state, store };
}

/** The only thing of the bus the pager asks: the page size now, which a reconnect may change. */
function busOf(pieceBytes: number): Bus & { pieceBytes: number } {
  const bus = { pieceBytes, messagePieceBytes: () => bus.pieceBytes };
  return bus as unknown as Bus & { pieceBytes: number };
}

describe('SnapshotPager', () => {
  it('builds once for the first page and serves the later pages from that cut', async () => {
    const { state, store } = storeOf(50);
    const pager = new SnapshotPager(store, busOf(1_000));
    const first = await pager.page({});
    expect(first.pages).toBeGreaterThan(3);
    state.revision++; // a write after the first page: the later pages still come from revision 7
    const last = await pager.page({ snapshot_id: first.snapshot_id, page: first.pages - 1 });
    expect(last).toMatchObject({ snapshot_id: first.snapshot_id, revision: 7, page: first.pages - 1 });
    expect(state.reads).toBe(1);
    pager.onModuleDestroy();
  });

  it('serves a page of a snapshot it does not hold when rebuilding gives the same content (another replica), refuses it otherwise', async () => {
    const { state, store } = storeOf(50);
    const first = await new SnapshotPager(store, busOf(1_000)).page({});
    const replica = new SnapshotPager(store, busOf(1_000));
    expect(await replica.page({ snapshot_id: first.snapshot_id, page: 2 })).toMatchObject({ snapshot_id: first.snapshot_id, page: 2 });
    state.revision++;
    state.count--;
    const other = new SnapshotPager(store, busOf(1_000));
    const refused = await other.page({ snapshot_id: first.snapshot_id, page: 2 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PortcullisError);
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringContaining('ask again from the first page') });
    // A page past the end is refused the same way.
    await expect(replica.page({ snapshot_id: first.snapshot_id, page: first.pages })).rejects.toMatchObject({ code: 'conflict' });
    for (const pager of [replica, other]) pager.onModuleDestroy();
  });

  it('cuts to the page size the bus gives at the time of cutting, and a cut at another size is another snapshot', async () => {
    const { store } = storeOf(50);
    const bus = busOf(1_000);
    const pager = new SnapshotPager(store, bus);
    const first = await pager.page({});
    expect(first.pages).toBeGreaterThan(3);
    // Another replica, connected to a server with a larger max_payload, cuts fewer pages: its
    // pages cannot be mixed with the first cut's, so the gateway is told to start again.
    const replica = new SnapshotPager(store, busOf(4_000));
    await expect(replica.page({ snapshot_id: first.snapshot_id, page: 1 })).rejects.toMatchObject({ code: 'conflict' });
    // This replica reconnected to such a server: the next fresh snapshot follows it.
    bus.pieceBytes = 100_000;
    expect(await pager.page({})).toMatchObject({ page: 0, pages: 1 });
    for (const each of [pager, replica]) each.onModuleDestroy();
  });
});
