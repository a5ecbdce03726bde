import type { AnalyticsBatch } from '@portcullis/contracts';

/** Where a recorder's batches go: JetStream in a deployment, the in-process broker in embedded mode. */
export interface AnalyticsSink {
  /** Resolves once the batch is durably handed over; rejects to have the recorder retry it. */
  publish(batch: AnalyticsBatch): Promise<void>;
  /**
   * How many bytes of entries one batch may carry now (Bus.messagePieceBytes of the server it
   * publishes to: NATS refuses a message over its max_payload); absent: only the entry count cuts.
   */
  maxBatchBytes?(): number;
  close(): Promise<void>;
}
