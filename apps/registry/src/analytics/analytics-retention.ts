import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ANALYTICS_MAX_AGE_MS } from '@portcullis/analytics';
import { errorSummary } from '@portcullis/logging';
import type { RegistryConfig } from '../config.js';
import { REGISTRY_CONFIG } from '../registry-config.token.js';
import { AnalyticsStore, utcDayStart, type RollupGranularity } from '../storage/analytics-store.js';

const DAY_MS = 86_400_000;
/** Request log partitions made ahead, so a batch rarely has to create one on the ingest path. */
const PARTITIONS_AHEAD = 2;

/**
 * Keeps analytics to their configured ages: rollup rows older than their retention are deleted
 * (small tables: a window adds a row per tuple and bucket); request logs go by dropping whole day
 * partitions, never by DELETE; batch ids are forgotten once JetStream can no longer redeliver them.
 * Runs at start and every ANALYTICS_RETENTION_INTERVAL_MS; several registries running it at once
 * is harmless (each statement is idempotent).
 */
@Injectable()
export class AnalyticsRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AnalyticsRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly store: AnalyticsStore,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
    this.timer = setInterval(() => {
      this.running ??= this.run();
    }, this.config.analytics.retentionIntervalMs).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; never throws (a failure is logged and the next pass tries again). */
  run(now = Date.now()): Promise<void> {
    return this.pass(now)
      .catch((error: unknown) => this.logger.warn(`analytics retention failed: ${errorSummary(error)}`))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async pass(now: number): Promise<void> {
    const days = this.config.analytics.retentionDays;
    const today = utcDayStart(now);
    for (let ahead = 0; ahead <= PARTITIONS_AHEAD; ahead++) await this.store.ensurePartition(today + ahead * DAY_MS);
    for (const granularity of ['minute', 'hour', 'day'] as RollupGranularity[]) {
      const keep = days[granularity];
      if (keep > 0) await this.store.trimRollup(granularity, new Date(now - keep * DAY_MS));
    }
    if (days.requestLogs > 0) {
      // A partition goes once the whole day it holds is older than the retention.
      const oldestKept = today - (days.requestLogs - 1) * DAY_MS;
      for (const day of await this.store.logPartitions()) if (day < oldestKept) await this.store.dropPartition(day);
    }
    await this.store.trimBatches(new Date(now - ANALYTICS_MAX_AGE_MS - DAY_MS));
  }
}
