import type { ClientBinding, ClientBindingChangedEvent } from '@portcullis/contracts';

/**
 * External clients the developer portal bound to policies, by issuer and client id: what a token
 * from that client gets when it names no policy itself. Replaced whole on every change, like the
 * policy table, so a reader holding the old one is never surprised mid-request.
 */
export type BindingTable = ReadonlyMap<string, ClientBinding>;

export const NO_BINDINGS: BindingTable = new Map();

/** A newline cannot occur in an issuer URL, so the pair cannot be forged by another pair. */
export function bindingKey(issuer: string, clientId: string): string {
  return `${issuer}\n${clientId}`;
}

export function bindingsFrom(bindings: readonly ClientBinding[]): BindingTable {
  return new Map(bindings.map((binding) => [bindingKey(binding.issuer, binding.client_id), binding]));
}

export function withBindingChange(current: BindingTable, event: ClientBindingChangedEvent): BindingTable {
  const next = new Map(current);
  next.delete(bindingKey(event.issuer, event.client_id));
  if (event.change !== 'deleted' && event.binding !== null) next.set(bindingKey(event.issuer, event.client_id), event.binding);
  return next;
}
