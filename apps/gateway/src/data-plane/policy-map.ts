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
  return withPolicyChanges(current, [event]);
}

/** Several changes (an import's batch) on one copy, in order: one copy, not one per change. */
export function withPolicyChanges(current: ReadonlyMap<string, Policy>, changes: readonly Omit<PolicyChangedEvent, 'revision'>[]): ReadonlyMap<string, Policy> {
  const next = new Map(current);
  for (const change of changes) {
    next.delete(change.policy_id);
    if (change.change !== 'deleted' && change.policy !== null) next.set(change.policy_id, change.policy);
  }
  return next;
}
