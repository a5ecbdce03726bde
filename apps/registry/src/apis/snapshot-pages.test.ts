import type { RegistrySnapshot } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGE_PIECE_BYTES } from '@portcullis/bus';
import { snapshotPages } from './snapshot-pages.js';

const api = (i: number) => ({ api_id: `api-${i}`, name: `API ${i} ${'x'.repeat(300)}`, proxy: { listen_path: `/api-${i}/` } }) as unknown as ApiDefinition;
const snapshotOf = (count: number): RegistrySnapshot => ({
  revision: 42,
  apis: Array.from({ length: count }, (_, i) => api(i)),
  policies: [{ id: 'gold' } as never],
  client_bindings: [],
  certificates: [],
});
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('snapshotPages', () => {
  it('keeps a small configuration in one page, the whole snapshot', () => {
    const snapshot = snapshotOf(10);
    const pages = snapshotPages(snapshot);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toEqual({ ...snapshot, snapshot_id: expect.any(String), page: 0, pages: 1 });
    // Absent optional arrays stay absent (a registry without debug sessions).
    expect(pages[0]).not.toHaveProperty('debug_sessions');
  });

  it('cuts a large one by bytes: every page under the limit, all of one id and revision, appended back in order', () => {
    const snapshot = snapshotOf(10_000);
    expect(bytes(snapshot)).toBeGreaterThan(2 * 1024 * 1024);
    const pages = snapshotPages(snapshot);
    expect(pages.length).toBeGreaterThan(8);
    for (const [index, page] of pages.entries()) {
      expect(bytes(page)).toBeLessThan(DEFAULT_MESSAGE_PIECE_BYTES + 1024);
      expect(page).toMatchObject({ snapshot_id: pages[0]!.snapshot_id, revision: 42, page: index, pages: pages.length });
    }
    expect(pages.flatMap((page) => page.apis)).toEqual(snapshot.apis);
    expect(pages.flatMap((page) => page.policies)).toEqual(snapshot.policies);
    expect(pages.every((page) => Array.isArray(page.certificates) && !('debug_sessions' in page))).toBe(true);
  });

  it('names the content: the same snapshot cut again gets the same id and pages, another content another id', () => {
    const snapshot = snapshotOf(3_000);
    expect(snapshotPages(structuredClone(snapshot))).toEqual(snapshotPages(snapshot));
    const changed = { ...snapshot, apis: snapshot.apis.slice(1) };
    expect(snapshotPages(changed)[0]!.snapshot_id).not.toBe(snapshotPages(snapshot)[0]!.snapshot_id);
  });

  it('names the cut too: the same content cut to another page size (a server with another max_payload) gets another id', () => {
    const snapshot = snapshotOf(3_000);
    const small = snapshotPages(snapshot, 16 * 1024);
    const large = snapshotPages(snapshot, 64 * 1024);
    expect(small.length).toBeGreaterThan(large.length);
    for (const page of small) expect(bytes(page)).toBeLessThan(16 * 1024 + 1024);
    expect(small[0]!.snapshot_id).not.toBe(large[0]!.snapshot_id);
    expect(small.flatMap((page) => page.apis)).toEqual(snapshot.apis);
  });

  it('sends an item larger than the limit alone, never an empty page', () => {
    const pages = snapshotPages(snapshotOf(3), 100);
    expect(pages.map((page) => page.policies.length + page.apis.length)).toEqual([1, 1, 1, 1]);
  });
});
