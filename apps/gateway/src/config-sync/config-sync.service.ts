import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Bus, BUS_TRANSPORT, type BusTransport } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import type { Subscription } from 'rxjs';
import type { GatewayConfig } from '../config.js';
import { ConfigurationStore } from '../data-plane/configuration-store.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { abortableSleep, ConfigSync, exponentialBackoff } from './config-sync.js';
import { fetchSnapshotInPages } from './snapshot-pages.js';
import type { ConfigChangedEvent } from '@portcullis/contracts';

/**
 * Wires the sync logic to the bus: snapshots are asked of the registry, change events come from the
 * events controller, and the bus connection's status comes from the transport.
 */
@Injectable()
export class ConfigSyncService implements OnModuleDestroy {
  private readonly logger = new Logger('ConfigSync');
  private readonly sync: ConfigSync;
  private statusSubscription: Subscription | null = null;

  constructor(
    private readonly bus: Bus,
    @Inject(BUS_TRANSPORT) private readonly transport: BusTransport,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    store: ConfigurationStore,
  ) {
    const timeoutMs = config.sync.snapshotTimeoutMs;
    this.sync = new ConfigSync(
      { fetch: () => fetchSnapshotInPages((request) => bus.request(subjects.registrySnapshot, request, timeoutMs)) },
      store,
      { backoff: (attempt) => exponentialBackoff(attempt), sleep: abortableSleep },
      { info: (message) => this.logger.log(message), warn: (message) => this.logger.warn(message) },
    );
  }

  /** Whether the bus connection the events arrive on is up (for /ready). */
  get connected(): boolean {
    return this.sync.connected;
  }

  get revision(): number | null {
    return this.sync.revision;
  }

  /**
   * Call once the event subscription is live (after the microservice started): only then is the
   * snapshot asked for, so no change can fall between the snapshot and the first event.
   */
  async start(): Promise<void> {
    await this.subscriptionsConfirmed();
    // The status observable replays the current state, so a connected bus reports at once.
    this.statusSubscription = this.bus.status.subscribe((status) => this.sync.onBusStatus(status));
    // Start does not wait for the first snapshot (it retries until the registry answers); it never rejects.
    void this.sync.resync();
  }

  onEvent(event: ConfigChangedEvent): void {
    this.sync.onEvent(event);
  }

  onModuleDestroy(): void {
    this.sync.stop();
    this.statusSubscription?.unsubscribe();
  }

  /**
   * A NATS SUB travels on the events connection and the snapshot request on another: a flush makes
   * the server confirm the subscription before the request can overtake it.
   */
  private async subscriptionsConfirmed(): Promise<void> {
    if (this.transport.kind !== 'nats') return;
    try {
      await this.transport.server.unwrap<{ flush(): Promise<void> }>().flush();
    } catch (error) {
      // Not fatal: a change missed in that window shows up as a revision gap and is caught up.
      this.logger.warn(`could not confirm the event subscription: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
