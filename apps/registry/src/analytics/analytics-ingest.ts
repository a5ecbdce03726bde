import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BUS_TRANSPORT, type BusTransport, type InProcessBroker } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import type { RegistryConfig } from '../config.js';
import { REGISTRY_CONFIG } from '../registry-config.token.js';
import { AnalyticsStore } from '../storage/analytics-store.js';
import { analyticsBatchSchema } from './batch-schema.js';
import { batchWrite } from './batch-write.js';
import { JetStreamAnalyticsConsumer } from './jetstream-consumer.js';
import { errorSummary } from '@portcullis/logging';

/**
 * Feeds analytics batches into the store: from JetStream's durable consumer when the bus is NATS,
 * from in-process events in embedded mode. Not an @EventPattern: over NATS that would also
 * subscribe to the stream's subject as a plain subscriber and store every batch outside JetStream.
 */
@Injectable()
export class AnalyticsIngest implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Analytics');
  private consumer: JetStreamAnalyticsConsumer | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(BUS_TRANSPORT) private readonly transport: BusTransport,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly store: AnalyticsStore,
  ) {}

  onApplicationBootstrap(): void {
    if (this.transport.kind === 'in-process') {
      const broker = this.transport.server.unwrap<InProcessBroker>();
      this.unsubscribe = broker.subscribe(subjects.analyticsRecords, (data) => this.storeInProcess(data), true);
      return;
    }
    this.consumer = new JetStreamAnalyticsConsumer({
      servers: this.config.nats.servers,
      subjectPrefix: this.config.nats.subjectPrefix,
      streamReplicas: this.config.nats.streamReplicas,
      name: 'registry-analytics',
      store: (batch) => this.store.storeBatch(batchWrite(batch)),
      log: this.logger,
    });
    this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.consumer?.stop();
  }

  private async storeInProcess(data: unknown): Promise<void> {
    const parsed = analyticsBatchSchema.safeParse(data);
    if (!parsed.success) {
      this.logger.error('analytics batch refused: not a valid batch');
      return;
    }
    try {
      await this.store.storeBatch(batchWrite(parsed.data));
    } catch (error) {
      this.logger.error(`analytics batch ${parsed.data.batch_id} lost: ${errorSummary(error)}`);
    }
  }
}
