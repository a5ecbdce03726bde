import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AdminClient } from './admin-client.js';
import { FOLDERS, type Kind } from './config-files.js';
import { envReference } from './env-refs.js';

type Item = Record<string, unknown>;

/** The environment variable a provider's initial access token is read from on apply: named after the provider. */
export function tokenVariable(provider: Item): string {
  const slug = String(provider.name ?? provider.id)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `PORTCULLIS_PROVIDER_${slug || 'UNNAMED'}_TOKEN`;
}

/** A stored provider as a file: its settings, the token as a reference, never what discovery found. */
function providerSpec(provider: Item): Item {
  const { id, name, discovery_url, grant_types, response_types, token_endpoint_auth_method, scope, has_initial_access_token } = provider;
  return {
    id,
    name,
    discovery_url,
    grant_types,
    response_types,
    token_endpoint_auth_method,
    scope,
    ...(has_initial_access_token === true ? { initial_access_token: envReference(tokenVariable(provider)) } : {}),
  };
}

function entrySpec(entry: Item): Item {
  const { created_at: _created, updated_at: _updated, ...spec } = entry;
  return spec;
}

/** A file name from an id: what a file system takes, and the same every time. */
function fileName(id: unknown): string {
  return `${String(id).replace(/[^A-Za-z0-9._-]/g, '_')}.yaml`;
}

export interface Exported {
  kind: Kind;
  id: string;
  file: string;
  /** The environment variable the item's secret is read from on apply, if it has one. */
  secret?: string;
}

/**
 * Writes every item as `FOLDER/ID.yaml`, keys sorted, so exporting the same registry twice gives the
 * same bytes and a changed field is a one-line git diff. The four folders are emptied of YAML first:
 * an item deleted from the registry leaves no file behind.
 */
export async function exportSet(client: AdminClient, dir: string): Promise<Exported[]> {
  const [apis, policies, catalogue, providers] = await Promise.all([
    client.get<Item[]>('/admin/apis'),
    client.get<Item[]>('/admin/policies'),
    client.get<Item[]>('/admin/portal/catalogue'),
    client.get<Item[]>('/admin/portal/providers'),
  ]);
  const items: { kind: Kind; id: string; spec: Item; secret?: string }[] = [
    ...apis.map((api) => ({ kind: 'api' as const, id: String(api.api_id), spec: api })),
    ...policies.map((policy) => ({ kind: 'policy' as const, id: String(policy.id), spec: policy })),
    ...catalogue.map((entry) => ({ kind: 'catalogue' as const, id: String(entry.id), spec: entrySpec(entry) })),
    ...providers.map((provider) => ({
      kind: 'provider' as const,
      id: String(provider.id),
      spec: providerSpec(provider),
      ...(provider.has_initial_access_token === true ? { secret: tokenVariable(provider) } : {}),
    })),
  ];
  for (const folder of Object.values(FOLDERS)) {
    const path = join(dir, folder);
    await mkdir(path, { recursive: true });
    for (const name of await readdir(path)) if (/\.ya?ml$/.test(name)) await rm(join(path, name));
  }
  const written: Exported[] = [];
  for (const item of items) {
    const file = `${FOLDERS[item.kind]}/${fileName(item.id)}`;
    const text = stringify({ kind: item.kind, spec: item.spec }, { sortMapEntries: true, lineWidth: 0 });
    await writeFile(join(dir, file), text);
    written.push({ kind: item.kind, id: item.id, file, ...(item.secret ? { secret: item.secret } : {}) });
  }
  return written.sort((a, b) => a.file.localeCompare(b.file));
}
