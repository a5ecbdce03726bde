import type { ClientBinding } from '@portcullis/contracts';
import type { EntityManager } from 'typeorm';
import { ClientBindingRecord } from './client-binding.entity.js';

/** Every binding, in a stable order, as the registry snapshot carries them (inside its transaction). */
export async function listClientBindings(manager: EntityManager): Promise<ClientBinding[]> {
  const records = await manager.find(ClientBindingRecord, { order: { createdAt: 'ASC', issuer: 'ASC', clientId: 'ASC' } });
  return records.map(clientBindingView);
}

/** A stored binding as the contracts carry it (snapshot and change events). */
export function clientBindingView(record: ClientBindingRecord): ClientBinding {
  return { issuer: record.issuer, client_id: record.clientId, api_id: record.apiId, policy_ids: record.policyIds, app_id: record.appId };
}
