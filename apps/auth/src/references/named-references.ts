import type { Session } from '@portcullis/domain';

/** One API or policy id a credential names, with the field (as the caller sent it) that names it. */
export interface NamedReference {
  kind: 'api' | 'policy';
  id: string;
  field: string;
}

/** What an OAuth client (or an initial access token) names: `api_ids.1`, `policy_ids.0`. */
export function clientReferences(value: { api_ids?: readonly string[]; policy_ids?: readonly string[] }): NamedReference[] {
  return [
    ...(value.api_ids ?? []).map((id, index): NamedReference => ({ kind: 'api', id, field: `api_ids.${index}` })),
    ...(value.policy_ids ?? []).map((id, index): NamedReference => ({ kind: 'policy', id, field: `policy_ids.${index}` })),
  ];
}

/**
 * What a key's session names: its policies (`apply_policies.0`) and the APIs of its own access
 * rights (`access_rights.<id>`; an entry whose `api_id` differs from its key names that one too).
 */
export function sessionReferences(session: Pick<Session, 'apply_policies' | 'access_rights'>): NamedReference[] {
  const named: NamedReference[] = session.apply_policies.map((id, index) => ({ kind: 'policy', id, field: `apply_policies.${index}` }));
  for (const [key, right] of Object.entries(session.access_rights)) {
    named.push({ kind: 'api', id: key, field: `access_rights.${key}` });
    if (right.api_id !== key) named.push({ kind: 'api', id: right.api_id, field: `access_rights.${key}.api_id` });
  }
  return named;
}

/**
 * The references an update adds: one the stored credential already names is kept even if its API or
 * policy was deleted since (deleting stays allowed, as in Tyk: the credential is refused at the
 * gateway), so renaming such a credential still works; only a new reference must exist.
 */
export function addedReferences(next: readonly NamedReference[], stored: readonly NamedReference[]): NamedReference[] {
  const had = new Set(stored.map((reference) => `${reference.kind}\n${reference.id}`));
  return next.filter((reference) => !had.has(`${reference.kind}\n${reference.id}`));
}
