import type { RegistrySnapshotPage, RegistrySnapshotRequest } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { fetchSnapshotInPages } from './snapshot-pages.js';

/** A registry that cuts its configuration into pages of `perPage` APIs, and can change it between two requests. */
class PagedRegistry {
  revision = 1;
  apis: { api_id: string }[] = [];
  readonly requests: RegistrySnapshotRequest[] = [];
  /** Runs before answering request number n (0-based), e.g. a write between two pages. */
  readonly before = new Map<number, () => void>();

  constructor(private readonly perPage: number) {}

  write(count: number): void {
    this.revision++;
    this.apis = Array.from({ length: count }, (_, i) => ({ api_id: `r${this.revision}-${i}` }));
  }

  ask = async (request: RegistrySnapshotRequest): Promise<RegistrySnapshotPage> => {
    this.before.get(this.requests.length)?.();
    this.requests.push(request);
    const id = `snapshot-${this.revision}`;
    // A snapshot it no longer holds is refused, as the registry does.
    if (request.snapshot_id !== undefined && request.snapshot_id !== id) throw new PortcullisError('conflict', 'gone');
    const pages = Math.max(1, Math.ceil(this.apis.length / this.perPage));
    const page = request.page ?? 0;
    const apis = this.apis.slice(page * this.perPage, (page + 1) * this.perPage) as never[];
    return { snapshot_id: id, revision: this.revision, page, pages, apis, policies: page === 0 ? [{ id: 'gold' } as never] : [], client_bindings: [] };
  };
}

describe('fetchSnapshotInPages', () => {
  it('costs one request for a configuration that fits in one page, and returns the snapshot without the page fields', async () => {
    const registry = new PagedRegistry(10);
    registry.write(3);
    expect(await fetchSnapshotInPages(registry.ask)).toEqual({ revision: 2, apis: registry.apis, policies: [{ id: 'gold' }], client_bindings: [] });
    expect(registry.requests).toEqual([{}]);
  });

  it('asks for every page of the first one’s snapshot, and appends them in order', async () => {
    const registry = new PagedRegistry(10);
    registry.write(35);
    const snapshot = (await fetchSnapshotInPages(registry.ask)) as { apis: unknown[]; policies: unknown[] };
    expect(snapshot.apis).toEqual(registry.apis);
    expect(snapshot.policies).toEqual([{ id: 'gold' }]);
    expect(registry.requests).toEqual([{}, ...[1, 2, 3].map((page) => ({ snapshot_id: 'snapshot-2', page }))]);
  });

  it('starts again from the first page when the configuration changes mid-way: never a mix of two revisions', async () => {
    const registry = new PagedRegistry(10);
    registry.write(35);
    registry.before.set(2, () => registry.write(25));
    const snapshot = (await fetchSnapshotInPages(registry.ask)) as { revision: number; apis: { api_id: string }[] };
    expect(snapshot.revision).toBe(3);
    expect(snapshot.apis).toEqual(registry.apis);
    expect(snapshot.apis.every((api) => api.api_id.startsWith('r3-'))).toBe(true);
    expect(registry.requests.slice(2)).toEqual([
      { snapshot_id: 'snapshot-2', page: 2 },
      {},
      { snapshot_id: 'snapshot-3', page: 1 },
      { snapshot_id: 'snapshot-3', page: 2 },
    ]);
  });

  it('starts again when a page names another snapshot than the first (a replica that answered with other content)', async () => {
    const registry = new PagedRegistry(10);
    registry.write(25);
    const ask = registry.ask;
    let calls = 0;
    const snapshot = await fetchSnapshotInPages(async (request) => {
      const page = await ask(request);
      return ++calls === 2 ? { ...page, snapshot_id: 'another' } : page;
    });
    expect((snapshot as { apis: unknown[] }).apis).toEqual(registry.apis);
    expect(registry.requests.filter((request) => request.page === undefined)).toHaveLength(2);
  });

  it('gives up after a few restarts when the configuration keeps changing (the sync retries with backoff)', async () => {
    const registry = new PagedRegistry(10);
    registry.write(25);
    for (let n = 1; n < 20; n += 2) registry.before.set(n, () => registry.write(25));
    await expect(fetchSnapshotInPages(registry.ask, 2)).rejects.toThrow(/changed|gone/);
    expect(registry.requests.filter((request) => request.page === undefined)).toHaveLength(3);
  });

  it('passes other failures on at once, and refuses a malformed page', async () => {
    await expect(fetchSnapshotInPages(() => Promise.reject(new PortcullisError('service_unavailable')))).rejects.toThrow(PortcullisError);
    const page = { snapshot_id: 's', revision: 1, apis: [], policies: [], page: 0, pages: 1 };
    await expect(fetchSnapshotInPages(async () => ({ ...page, snapshot_id: undefined, apis: null }))).rejects.toThrow(
      'malformed snapshot page (snapshot_id, apis)',
    );
    await expect(fetchSnapshotInPages(async () => ({ ...page, page: 1 }))).rejects.toThrow('malformed snapshot page (page)');
  });
});
