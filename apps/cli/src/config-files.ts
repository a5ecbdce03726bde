/**
 * The file format: one YAML (or JSON) document per item, `kind` saying what it is and `spec` holding
 * the fields the registry's single-item admin route takes.
 */
export const KINDS = ['api', 'policy', 'catalogue', 'provider'] as const;
export type Kind = (typeof KINDS)[number];

/** Where export writes each kind (apply reads every YAML file under DIR, whatever folder it is in). */
export const FOLDERS: Record<Kind, string> = { api: 'apis', policy: 'policies', catalogue: 'catalogue', provider: 'providers' };

/** The set's key for each kind, as `POST /admin/config/apply` takes it. */
export const SET_KEYS: Record<Kind, 'apis' | 'policies' | 'catalogue' | 'providers'> = {
  api: 'apis',
  policy: 'policies',
  catalogue: 'catalogue',
  provider: 'providers',
};

export interface SetItem {
  source: string;
  value: unknown;
  key?: string;
}

export type ConfigSet = Record<'apis' | 'policies' | 'catalogue' | 'providers', SetItem[]>;

export function emptySet(): ConfigSet {
  return { apis: [], policies: [], catalogue: [], providers: [] };
}

/** A problem with the files, found before anything is sent. */
export class FileError extends Error {}
