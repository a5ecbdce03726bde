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

export interface ValidatedImport {
  policies: { source: string; policy: Policy }[];
  apis: { source: string; definition: ApiDefinition }[];
}

/**
 * Tyk's `policies.json`: an object keyed by policy id (the file-based gateway's format), or an
 * array of policies (what `GET /tyk/policies` answers). Anything else is one error.
 */
export function policyItems(value: unknown, source: string): { items: ImportItem[]; errors: ImportError[] } {
  if (Array.isArray(value)) return { items: value.map((input, index) => ({ source: `${source}[${index}]`, input })), errors: [] };
  if (value !== null && typeof value === 'object') {
    return { items: Object.entries(value).map(([key, input]) => ({ source: `${source}[${JSON.stringify(key)}]`, input, key })), errors: [] };
  }
  return { items: [], errors: [{ source, field: '(body)', message: 'must be an object keyed by policy id, or an array of policies' }] };
}

export function apiItems(value: unknown, source: string): { items: ImportItem[]; errors: ImportError[] } {
  if (Array.isArray(value)) return { items: value.map((input, index) => ({ source: `${source}[${index}]`, input })), errors: [] };
  return { items: [], errors: [{ source, field: '(body)', message: 'must be an array of API definitions' }] };
}

/**
 * Tyk's file-based policies often carry neither `id` nor `name` (the key is the id) and leave
 * `api_id` out of an access right (its key names the API): those are filled in, so a Tyk setup
 * moves over unchanged. An explicit id that differs from its key is reported.
 */
function fromTykFile(item: ImportItem): { input: unknown; errors: ImportError[] } {
  const input = item.input;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { input, errors: [] };
  const policy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const errors: ImportError[] = [];
  const givenId = policy.id ?? policy._id;
  if (item.key !== undefined) {
    if (givenId !== undefined && givenId !== item.key) errors.push({ source: item.source, field: 'id', message: `must match its key ${JSON.stringify(item.key)}, got ${JSON.stringify(givenId)}` });
    if (policy.id === undefined && policy._id === undefined) policy.id = item.key;
  }
  const id = policy.id ?? policy._id;
  if (policy.name === undefined && typeof id === 'string') policy.name = id;
  const rights = policy.access_rights;
  if (rights !== null && typeof rights === 'object' && !Array.isArray(rights)) {
    policy.access_rights = Object.fromEntries(
      Object.entries(rights as Record<string, unknown>).map(([apiId, right]) =>
        right !== null && typeof right === 'object' && !Array.isArray(right) && (right as { api_id?: unknown }).api_id === undefined ? [apiId, { ...right, api_id: apiId }] : [apiId, right],
      ),
    );
  }
  return { input: policy, errors };
}

/**
 * Validates a whole import and collects every error. Ids are required (an import must be
 * repeatable: a generated id would make a new item on each run) and unique within the import.
 */
export function validateImport(batch: ImportBatch): { value: ValidatedImport; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const value: ValidatedImport = { policies: [], apis: [] };
  const policySources = new Map<string, string>();
  for (const item of batch.policies) {
    const prepared = fromTykFile(item);
    errors.push(...prepared.errors);
    const id = (prepared.input as { id?: unknown; _id?: unknown } | null)?.id ?? (prepared.input as { _id?: unknown } | null)?._id;
    if (id === undefined && prepared.input !== null && typeof prepared.input === 'object') errors.push({ source: item.source, field: 'id', message: 'is required in an import' });
    const checked = checkPolicy(prepared.input);
    if (!checked.ok) {
      errors.push(...checked.errors.map((error) => ({ source: item.source, ...error })));
      continue;
    }
    if (id === undefined) continue;
    const earlier = policySources.get(checked.value.id);
    if (earlier) errors.push({ source: item.source, field: 'id', message: `${JSON.stringify(checked.value.id)} is also the id of ${earlier}` });
    policySources.set(checked.value.id, item.source);
    value.policies.push({ source: item.source, policy: checked.value });
  }
  const apiSources = new Map<string, string>();
  for (const item of batch.apis) {
    const result = validateApiDefinition(item.input);
    if (!result.ok) {
      errors.push(...result.errors.map((error) => ({ source: item.source, ...error })));
      continue;
    }
    const apiId = result.value.api_id;
    if (apiId === undefined) {
      errors.push({ source: item.source, field: 'api_id', message: 'is required in an import' });
      continue;
    }
    const earlier = apiSources.get(apiId);
    if (earlier) errors.push({ source: item.source, field: 'api_id', message: `${JSON.stringify(apiId)} is also the id of ${earlier}` });
    apiSources.set(apiId, item.source);
    value.apis.push({ source: item.source, definition: { ...result.value, api_id: apiId } });
  }
  return { value, errors };
}
