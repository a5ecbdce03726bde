import { DEFAULT_MESSAGE_PIECE_BYTES } from '@portcullis/bus';
import type { ApiChange, ConfigBatchEvent } from '@portcullis/contracts';
import type { ApiDefinition, Policy } from '@portcullis/domain';

/** One written change of an import, in the order written (policies first, then API definitions). */
export type ImportedChange = { kind: 'policy'; change: ApiChange; policy: Policy } | { kind: 'api'; change: ApiChange; definition: ApiDefinition };

/**
 * Splits an import's changes into batch events (without their revisions, which the transaction
 * hands out), keeping their order: each batch as full as `maxBytes` allows, and never empty (a
 * single change larger than the limit travels alone, as it would in its own event). `maxBytes`
 * follows the NATS server's max_payload (Bus.messagePieceBytes, since NATS refuses a message over
 * it): 10,000 small API definitions make about a dozen batches at the default 1 MB.
 */
export function changeBatches(changes: readonly ImportedChange[], maxBytes = DEFAULT_MESSAGE_PIECE_BYTES): Omit<ConfigBatchEvent, 'revision'>[] {
  const batches: Omit<ConfigBatchEvent, 'revision'>[] = [];
  let current: Omit<ConfigBatchEvent, 'revision'> | null = null;
  let size = 0;
  for (const item of changes) {
    const policy = item.kind === 'policy' ? { policy_id: item.policy.id, change: item.change, policy: item.policy } : null;
    const api = item.kind === 'api' ? { api_id: item.definition.api_id, change: item.change, definition: item.definition } : null;
    const bytes = Buffer.byteLength(JSON.stringify(policy ?? api));
    if (current === null || (size + bytes > maxBytes && size > 0)) {
      current = { policies: [], apis: [] };
      batches.push(current);
      size = 0;
    }
    if (policy) current.policies.push(policy);
    if (api) current.apis.push(api);
    size += bytes;
  }
  return batches;
}
