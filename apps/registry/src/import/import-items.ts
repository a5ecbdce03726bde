import { validateApiDefinition, type ApiDefinition, type Policy } from '@portcullis/domain';
import { checkPolicy } from '../policies/policy-input.js';

/** One problem with one imported item: where it came from, which field, what is wrong. */
export interface ImportError {
  source: string;
  field: string;
  message: string;
}

/** One item as read, before validation: where it came from (for the report) and what it holds. */
export interface ImportItem {
  source: string;
  input: unknown;
  /** For a policies.json keyed by id: the key, which is the policy's id. */
  key?: string;
}

export interface ImportBatch {
  policies: ImportItem[];
  apis: ImportItem[];
}

/** One item after validation: accepted (with its validated value) or refused (with every reason). */
export type CheckedItem =
  | { kind: 'policy'; source: string; id?: string; ok: true; policy: Policy; input: unknown }
  | { kind: 'api'; source: string; id?: string; ok: true; definition: ApiDefinition; input: unknown }
  | { kind: 'policy' | 'api'; source: string; id?: string; ok: false; errors: ImportError[]; input: unknown };

export interface ValidatedImport {
  policies: { source: string; policy: Policy }[];
  apis: { source: string; definition: ApiDefinition }[];
}

/**
 * Tyk's `policies.json`: an object keyed by policy id (the file-based gateway's format), or an
 * array of policies (what `GET /tyk/policies` answers). Anything else is one error.
 */
export function policyItems(value: unknown, source: string): { items: ImportItem[]; errors: ImportError[] } {
  if (Array.isArray(value)) return { items: value.map((input: unknown, index) => ({ source: `${source}[${index}]`, input })), errors: [] };
  if (value !== null && typeof value === 'object') {
    return {
      items: Object.entries(value as Record<string, unknown>).map(([key, input]) => ({ source: `${source}[${JSON.stringify(key)}]`, input, key })),
      errors: [],
    };
  }
  return { items: [], errors: [{ source, field: '(body)', message: 'must be an object keyed by policy id, or an array of policies' }] };
}

export function apiItems(value: unknown, source: string): { items: ImportItem[]; errors: ImportError[] } {
  if (Array.isArray(value)) return { items: value.map((input: unknown, index) => ({ source: `${source}[${index}]`, input })), errors: [] };
  return { items: [], errors: [{ source, field: '(body)', message: 'must be an array of API definitions' }] };
}

/**
 * A policies.json entry as Tyk's `LoadPoliciesFromFile` reads it: the object's key is the policy's
 * id, whatever its own `id` says (empty, absent or different). `name` and each access right's
 * `api_id` may be absent (the schema fills them, as Tyk does).
 */
function fromTykFile(item: ImportItem): unknown {
  const input = item.input;
  if (item.key === undefined || input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const { _id: _legacy, ...policy } = input as Record<string, unknown>;
  // Tyk leaves the name empty; the key is the friendlier name to show for a file-based policy.
  const name = typeof policy.name === 'string' && policy.name.trim() !== '' ? policy.name : item.key;
  return { ...policy, id: item.key, name };
}

/**
 * Validates each item of an import on its own and collects every error, by item: ids are required
 * (an import must be repeatable: a generated id would make a new item on each run) and unique
 * within the import (a later item with an id already taken is refused, naming the earlier one).
 */
export function checkImportItems(batch: ImportBatch): CheckedItem[] {
  const checked: CheckedItem[] = [];
  const policySources = new Map<string, string>();
  for (const item of batch.policies) {
    const prepared = fromTykFile(item);
    const rawId = (prepared as { id?: unknown; _id?: unknown } | null)?.id ?? (prepared as { _id?: unknown } | null)?._id;
    const id = typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
    const errors: ImportError[] = [];
    if (id === undefined && prepared !== null && typeof prepared === 'object')
      errors.push({ source: item.source, field: 'id', message: 'is required in an import' });
    const result = checkPolicy(prepared);
    if (!result.ok) errors.push(...result.errors.map((error) => ({ source: item.source, ...error })));
    else if (id !== undefined) {
      const earlier = policySources.get(result.value.id);
      if (earlier) errors.push({ source: item.source, field: 'id', message: `${JSON.stringify(result.value.id)} is also the id of ${earlier}` });
    }
    if (errors.length > 0 || !result.ok) {
      checked.push({ kind: 'policy', source: item.source, ...(id ? { id } : {}), ok: false, errors, input: item.input });
      continue;
    }
    policySources.set(result.value.id, item.source);
    checked.push({ kind: 'policy', source: item.source, id: result.value.id, ok: true, policy: result.value, input: item.input });
  }
  const apiSources = new Map<string, string>();
  for (const item of batch.apis) {
    const rawId = (item.input as { api_id?: unknown } | null)?.api_id;
    const id = typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
    const result = validateApiDefinition(item.input);
    const errors: ImportError[] = result.ok ? [] : result.errors.map((error) => ({ source: item.source, ...error }));
    if (result.ok && result.value.api_id === undefined) errors.push({ source: item.source, field: 'api_id', message: 'is required in an import' });
    const earlier = result.ok && id !== undefined ? apiSources.get(id) : undefined;
    if (earlier) errors.push({ source: item.source, field: 'api_id', message: `${JSON.stringify(id)} is also the id of ${earlier}` });
    if (errors.length > 0 || !result.ok || result.value.api_id === undefined) {
      checked.push({ kind: 'api', source: item.source, ...(id ? { id } : {}), ok: false, errors, input: item.input });
      continue;
    }
    apiSources.set(result.value.api_id, item.source);
    checked.push({
      kind: 'api',
      source: item.source,
      id: result.value.api_id,
      ok: true,
      definition: { ...result.value, api_id: result.value.api_id },
      input: item.input,
    });
  }
  return checked;
}

/** The whole import's valid items and every error (the all-or-nothing view of `checkImportItems`). */
export function validateImport(batch: ImportBatch): { value: ValidatedImport; errors: ImportError[] } {
  const value: ValidatedImport = { policies: [], apis: [] };
  const errors: ImportError[] = [];
  for (const item of checkImportItems(batch)) {
    if (!item.ok) errors.push(...item.errors);
    else if (item.kind === 'policy') value.policies.push({ source: item.source, policy: item.policy });
    else value.apis.push({ source: item.source, definition: item.definition });
  }
  return { value, errors };
}
