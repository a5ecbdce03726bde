import type { PolicyChangedEvent } from '@portcullis/contracts';
import type { Policy } from '@portcullis/domain';

/**
 * The policies a gateway knows, by id: replaced whole by a snapshot, changed by events. Each
 * change makes a new map, so a reader holding the old one is never surprised mid-request.
 */
export function policiesFrom(policies: readonly Policy[]): ReadonlyMap<string, Policy> {
  return new Map(policies.map((policy) => [policy.id, policy]));
}

export function withPolicyChange(current: ReadonlyMap<string, Policy>, event: PolicyChangedEvent): ReadonlyMap<string, Policy> {
  const next = new Map(current);
  next.delete(event.policy_id);
  if (event.change !== 'deleted' && event.policy !== null) next.set(event.policy_id, event.policy);
  return next;
}
