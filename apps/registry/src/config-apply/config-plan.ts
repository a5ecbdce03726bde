import { routeKey, type ApiDefinition, type Policy } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { checkImportItems } from '../import/import-items.js';
import { listenPathTaken } from '../storage/api-errors.js';
import { isUuid } from '../portal/field-errors.js';
import { referenceProblems, validEntryInput, type ValidEntryInput } from '../portal/catalogue/catalogue-input.js';
import type { CatalogueEntry } from '../portal/portal-types.js';
import { providerInputSchema, type ProviderInput } from '../portal/providers/provider-input.js';
import { detailsOf } from '../portal/field-errors.js';
import { changedFields } from './changed-fields.js';
import type { ConfigItem, ConfigKind, ConfigSet, PlannedChange, SourcedError } from './config-set.js';

/** What is stored now, as the plan compares it. */
export interface StoredConfig {
  apis: Map<string, ApiDefinition>;
  policies: Map<string, Policy>;
  catalogue: Map<string, CatalogueEntry>;
  /** Providers as their settings read (the initial access token opened, or null when none or unreadable). */
  providers: Map<string, ProviderSettings>;
}

/** A provider's comparable settings, and the endpoints discovered when it was saved. */
export interface ProviderSettings {
  id: string;
  name: string;
  discovery_url: string;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string | null;
  initial_access_token: string | null;
  issuer: string;
  jwks_uri: string;
}

export type Wanted =
  | { kind: 'api'; id: string; source: string; value: ApiDefinition }
  | { kind: 'policy'; id: string; source: string; value: Policy }
  | { kind: 'catalogue'; id: string; source: string; value: ValidEntryInput }
  | { kind: 'provider'; id: string; source: string; value: ProviderInput };

/** Each wanted item with what apply does to it, and the deletions (prune). */
export interface Plan {
  changes: (PlannedChange & { wanted?: Wanted })[];
  errors: SourcedError[];
}

function sourced(source: string, details: readonly ErrorDetail[]): SourcedError[] {
  return details.map((detail) => ({ source, ...detail }));
}

/** The id of a portal item (catalogue entry, provider): a UUID the file must carry, so applying it again finds it. */
function portalId(item: ConfigItem, errors: SourcedError[], seen: Map<string, string>): string | undefined {
  const id = (item.value as { id?: unknown } | null)?.id;
  if (!isUuid(id)) {
    errors.push({ source: item.source, field: 'id', message: 'is required: a UUID (export writes the stored one; `uuidgen` makes a new one)' });
    return undefined;
  }
  const earlier = seen.get(id.toLowerCase());
  if (earlier) {
    errors.push({ source: item.source, field: 'id', message: `${JSON.stringify(id)} is also the id of ${earlier}` });
    return undefined;
  }
  seen.set(id.toLowerCase(), item.source);
  return id.toLowerCase();
}

/**
 * Validates every item of the set on its own, with the single-item routes' validation (APIs and
 * policies as the Tyk import reads them), and collects every error by file.
 */
export function validateSet(set: ConfigSet): { wanted: Wanted[]; errors: SourcedError[] } {
  const wanted: Wanted[] = [];
  const errors: SourcedError[] = [];
  for (const item of checkImportItems({
    policies: set.policies.map(({ source, value, key }) => ({ source, input: value, ...(key ? { key } : {}) })),
    apis: set.apis.map(({ source, value }) => ({ source, input: value })),
  })) {
    if (!item.ok) errors.push(...item.errors);
    else if (item.kind === 'policy') wanted.push({ kind: 'policy', id: item.policy.id, source: item.source, value: item.policy });
    else wanted.push({ kind: 'api', id: item.definition.api_id, source: item.source, value: item.definition });
  }
  const providerIds = new Map<string, string>();
  for (const item of set.providers) {
    const id = portalId(item, errors, providerIds);
    const { id: _id, ...fields } = (item.value ?? {}) as Record<string, unknown>;
    const result = providerInputSchema.safeParse(fields);
    if (!result.success) errors.push(...sourced(item.source, detailsOf(result.error)));
    else if (id) wanted.push({ kind: 'provider', id, source: item.source, value: result.data });
  }
  const entryIds = new Map<string, string>();
  for (const item of set.catalogue) {
    const id = portalId(item, errors, entryIds);
    try {
      const value = validEntryInput(item.value);
      if (id) wanted.push({ kind: 'catalogue', id, source: item.source, value });
    } catch (error) {
      if (!(error instanceof PortcullisError)) throw error;
      errors.push(...sourced(item.source, error.details ?? [{ field: '(file)', message: error.message }]));
    }
  }
  return { wanted, errors };
}

function stripStored(entry: CatalogueEntry): Record<string, unknown> {
  const { id: _id, created_at: _created, updated_at: _updated, ...fields } = entry;
  return fields;
}

/** A provider's settings as the file would change them: absent scope or token keep the stored value. */
function providerFields(stored: ProviderSettings | undefined, input: ProviderInput): Record<string, unknown> {
  return {
    name: input.name,
    discovery_url: input.discovery_url,
    grant_types: input.grant_types,
    response_types: input.response_types,
    token_endpoint_auth_method: input.token_endpoint_auth_method,
    scope: input.scope === undefined ? (stored?.scope ?? null) : input.scope,
    initial_access_token: input.initial_access_token === undefined ? (stored?.initial_access_token ?? null) : input.initial_access_token,
  };
}

function storedProviderFields(stored: ProviderSettings): Record<string, unknown> {
  const { id: _id, issuer: _issuer, jwks_uri: _jwks, ...fields } = stored;
  return fields;
}

function nameOf(wanted: Wanted): string | undefined {
  const name = (wanted.value as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

const KIND_ORDER: ConfigKind[] = ['provider', 'policy', 'api', 'catalogue'];

/** Compares each wanted item with what is stored, and lists what is stored but not wanted. */
export function planChanges(wanted: Wanted[], stored: StoredConfig): Plan['changes'] {
  const changes: Plan['changes'] = [];
  for (const item of wanted) {
    let before: Record<string, unknown> | undefined;
    let after: Record<string, unknown>;
    if (item.kind === 'api') {
      before = stored.apis.get(item.id);
      after = item.value;
    } else if (item.kind === 'policy') {
      before = stored.policies.get(item.id);
      after = item.value;
    } else if (item.kind === 'catalogue') {
      const entry = stored.catalogue.get(item.id);
      before = entry && stripStored(entry);
      after = item.value;
    } else {
      const provider = stored.providers.get(item.id);
      before = provider && storedProviderFields(provider);
      after = providerFields(provider, item.value);
    }
    const fields = before ? changedFields(before, after) : [];
    // Secrets are compared, never named as a value: only the field's name is reported.
    const action = !before ? 'create' : fields.length > 0 ? 'update' : 'unchanged';
    const name = nameOf(item);
    changes.push({ kind: item.kind, id: item.id, ...(name ? { name } : {}), source: item.source, action, changed_fields: fields, wanted: item });
  }
  const wantedIds = new Set(wanted.map((item) => `${item.kind} ${item.id}`));
  const deletion = (kind: ConfigKind, id: string, name: string | undefined) => {
    if (!wantedIds.has(`${kind} ${id}`)) changes.push({ kind, id, ...(name ? { name } : {}), action: 'delete', changed_fields: [] });
  };
  for (const [id, api] of stored.apis) deletion('api', id, typeof api.name === 'string' ? api.name : undefined);
  for (const [id, policy] of stored.policies) deletion('policy', id, typeof policy.name === 'string' ? policy.name : undefined);
  for (const [id, entry] of stored.catalogue) deletion('catalogue', id, entry.name);
  for (const [id, provider] of stored.providers) deletion('provider', id, provider.name);
  // One order whatever the files' order: by kind (as they depend on each other), then id.
  return changes.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * What the set must satisfy as a whole, in the state it leaves behind: listen paths unique, and
 * every catalogue entry's API, policy and provider present and fitting.
 */
export function checkFinalState(wanted: Wanted[], discovered: Map<string, Pick<ProviderSettings, 'issuer' | 'discovery_url' | 'jwks_uri'>>): SourcedError[] {
  const errors: SourcedError[] = [];
  const apis = new Map<string, ApiDefinition>();
  const policies = new Map<string, Policy>();
  const routes = new Map<string, { id: string; source: string }>();
  for (const item of wanted) {
    if (item.kind === 'policy') policies.set(item.id, item.value);
    if (item.kind !== 'api') continue;
    apis.set(item.id, item.value);
    const key = routeKey(item.value);
    const holder = routes.get(key);
    if (holder) errors.push(...sourced(item.source, listenPathTaken(item.value, `${holder.id} (${holder.source})`).details ?? []));
    else routes.set(key, { id: item.id, source: item.source });
  }
  for (const item of wanted) {
    if (item.kind !== 'catalogue') continue;
    const providerId = item.value.provider_id?.toLowerCase();
    const provider = providerId ? (discovered.get(providerId) ?? null) : null;
    errors.push(
      ...sourced(item.source, referenceProblems(item.value, apis.get(item.value.api_id) ?? null, policies.get(item.value.policy_id) ?? null, provider)),
    );
  }
  return errors;
}
