import { z } from '@portcullis/config';

/** One item of a configuration set: the file it came from (named in every error) and its fields. */
const item = z.strictObject({
  source: z.string().min(1).max(1_000),
  value: z.unknown(),
  /** A Tyk `policies.json` keyed by id: the key, which is the policy's id (as Tyk reads it). */
  key: z.string().min(1).max(200).optional(),
});

const items = z.array(item).max(10_000).default([]);

/** `POST /admin/config/apply`: the whole wanted configuration, and how to apply it. */
export const configSetSchema = z.strictObject({
  apis: items,
  policies: items,
  catalogue: items,
  providers: items,
  /** Delete what is stored but not in the set; without it, such a set is refused. */
  prune: z.boolean().default(false),
  /** Plan only: answer what would change, write nothing. */
  dry_run: z.boolean().default(false),
});

export type ConfigSet = z.output<typeof configSetSchema>;
export type ConfigItem = z.output<typeof item>;

export type ConfigKind = 'api' | 'policy' | 'catalogue' | 'provider';
export type ConfigAction = 'create' | 'update' | 'delete' | 'unchanged';

/** What apply does (or, in a dry run, would do) to one item. */
export interface PlannedChange {
  kind: ConfigKind;
  id: string;
  name?: string;
  /** The file it came from; absent for a deletion. */
  source?: string;
  action: ConfigAction;
  /** The top-level fields that differ from what is stored (an update). */
  changed_fields: string[];
}

export interface ApplyReport {
  dry_run: boolean;
  prune: boolean;
  summary: Record<ConfigAction, number>;
  changes: PlannedChange[];
}

/** Every problem of a set, by the file it came from. */
export interface SourcedError {
  source: string;
  field: string;
  message: string;
}

export const applyReportJsonSchema = {
  type: 'object',
  required: ['dry_run', 'prune', 'summary', 'changes'],
  properties: {
    dry_run: { type: 'boolean' },
    prune: { type: 'boolean' },
    summary: {
      type: 'object',
      properties: { create: { type: 'integer' }, update: { type: 'integer' }, delete: { type: 'integer' }, unchanged: { type: 'integer' } },
    },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'id', 'action', 'changed_fields'],
        properties: {
          kind: { type: 'string', enum: ['api', 'policy', 'catalogue', 'provider'] },
          id: { type: 'string' },
          name: { type: 'string' },
          source: { type: 'string', description: 'The file the item came from (absent for a deletion)' },
          action: { type: 'string', enum: ['create', 'update', 'delete', 'unchanged'] },
          changed_fields: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const itemJsonSchema = {
  type: 'object',
  required: ['source', 'value'],
  properties: {
    source: { type: 'string', description: 'The file the item came from, named in its errors' },
    value: { type: 'object', description: 'The item, as the single-item admin route takes it (catalogue entries and providers with their id, a UUID)' },
    key: { type: 'string', description: 'Policies from a Tyk policies.json keyed by id: the key, taken as the id' },
  },
};

export const configSetJsonSchema = {
  type: 'object',
  properties: {
    apis: { type: 'array', items: itemJsonSchema, description: 'API definitions (Tyk classic fields), api_id required' },
    policies: { type: 'array', items: itemJsonSchema, description: 'Policies, id (or Tyk _id, or key) required' },
    catalogue: { type: 'array', items: itemJsonSchema, description: 'Portal catalogue entries, id (UUID) required' },
    providers: { type: 'array', items: itemJsonSchema, description: 'DCR providers, id (UUID) required' },
    prune: { type: 'boolean', default: false, description: 'Delete what is stored but absent from the set' },
    dry_run: { type: 'boolean', default: false, description: 'Plan only, write nothing' },
  },
};
