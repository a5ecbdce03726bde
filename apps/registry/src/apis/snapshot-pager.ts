import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { RegistrySnapshotPage, RegistrySnapshotRequest } from '@portcullis/contracts';
import { Bus } from '@portcullis/bus';
import { PortcullisError } from '@portcullis/errors';
import { ApiStore } from '../storage/api-store.js';
import { snapshotPages } from './snapshot-pages.js';

/** How long a built snapshot is kept for its later pages after the last one was asked for. */
const KEEP_MS = 60_000;

/**
 * Serves the gateways' snapshot in pages, all of one revision: the first page's request builds the
 * snapshot (one transaction) and cuts it; the later pages come from that cut, kept briefly. Another
 * replica of the queue group (or this one, after forgetting it) rebuilds and serves the page only
 * if the content is still the same (same snapshot_id); otherwise the gateway is told to start again.
 */
@Injectable()
export class SnapshotPager implements OnModuleDestroy {
  private kept: RegistrySnapshotPage[] | null = null;
  private forget: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ApiStore,
    private readonly bus: Bus,
  ) {}

  async page(request: RegistrySnapshotRequest): Promise<RegistrySnapshotPage> {
    const index = request.page ?? 0;
    const wanted = request.snapshot_id;
    let pages = wanted !== undefined && this.kept?.[0]?.snapshot_id === wanted ? this.kept : await this.build();
    if (wanted !== undefined && pages[0]!.snapshot_id !== wanted) pages = [];
    const page = pages[index];
    if (!page)
      throw new PortcullisError('conflict', `Snapshot ${wanted} has no page ${index} any more (the configuration changed): ask again from the first page`);
    this.keep(pages);
    return page;
  }

  onModuleDestroy(): void {
    clearTimeout(this.forget);
  }

  /**
   * Never shared with a request already building: a gateway asks only once it listens to events,
   * so its snapshot must be read after that, or a change in between would be missed.
   */
  private async build(): Promise<RegistrySnapshotPage[]> {
    const snapshot = await this.store.snapshot();
    // The page size is read at each cut: a reconnect to another server may have changed max_payload.
    return snapshotPages(snapshot, this.bus.messagePieceBytes());
  }

  private keep(pages: RegistrySnapshotPage[]): void {
    // A one-page snapshot is never asked for again by id: nothing to keep.
    this.kept = pages.length > 1 ? pages : this.kept;
    clearTimeout(this.forget);
    this.forget = setTimeout(() => (this.kept = null), KEEP_MS).unref();
  }
}
