import type { InProcessBroker } from '@portcullis/bus';
import { subjects, type AnalyticsBatch } from '@portcullis/contracts';
import type { AnalyticsSink } from './sink.js';

/**
 * Embedded mode (one process, no NATS): batches go to the registry's consumer as in-process events
 * on the same subject. There is no stream to outlive a restart here, as there is no separate
 * registry to restart.
 */
export class InProcessAnalyticsSink implements AnalyticsSink {
  constructor(private readonly broker: InProcessBroker) {}

  async publish(batch: AnalyticsBatch): Promise<void> {
    await this.broker.publish(subjects.analyticsRecords, batch);
  }

  async close(): Promise<void> {}
}
