import type { AnalyticsBatch } from '@portcullis/contracts';

/** Where a recorder's batches go: JetStream in a deployment, the in-process broker in embedded mode. */
export interface AnalyticsSink {
  /** Resolves once the batch is durably handed over; rejects to have the recorder retry it. */
  publish(batch: AnalyticsBatch): Promise<void>;
  close(): Promise<void>;
}
