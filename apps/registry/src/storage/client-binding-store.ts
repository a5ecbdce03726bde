import type { ClientBinding } from '@portcullis/contracts';
import type { EntityManager } from 'typeorm';
import { ClientBindingRecord } from './client-binding.entity.js';

/**
 * Stores the binding under `revision` in the caller's transaction, over the stored one if any;
 * whether it was created or updated.
 */
export async function putClientBinding(manager: EntityManager, binding: ClientBinding, revision: number): Promise<'created' | 'updated'> {
  const now = new Date();
  const fields = { apiId: binding.api_id, policyIds: [...binding.policy_ids], appId: binding.app_id, revision, updatedAt: now };
  const updated = await manager.update(ClientBindingRecord, { issuer: binding.issuer, clientId: binding.client_id }, fields);
  if (updated.affected) return 'updated';
  await manager.insert(ClientBindingRecord, { issuer: binding.issuer, clientId: binding.client_id, ...fields, createdAt: now });
  return 'created';
}

/** Deletes the client's binding, if any, in the caller's transaction. */
export async function deleteClientBinding(manager: EntityManager, issuer: string, clientId: string): Promise<void> {
  await manager.delete(ClientBindingRecord, { issuer, clientId });
}

/** Every binding, in a stable order, as the registry snapshot carries them (inside its transaction). */
export async function listClientBindings(manager: EntityManager): Promise<ClientBinding[]> {
  const records = await manager.find(ClientBindingRecord, { order: { createdAt: 'ASC', issuer: 'ASC', clientId: 'ASC' } });
  return records.map(clientBindingView);
}

/** A stored binding as the contracts carry it (snapshot and change events). */
export function clientBindingView(record: ClientBindingRecord): ClientBinding {
  return { issuer: record.issuer, client_id: record.clientId, api_id: record.apiId, policy_ids: record.policyIds, app_id: record.appId };
}
