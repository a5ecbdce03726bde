import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { emptySet, FileError, KINDS, SET_KEYS, type ConfigSet, type Kind } from './config-files.js';
import { resolveEnvRefs } from './env-refs.js';

const TYK_SYNC_INDEX = '.tyk.json';

/** Every YAML file under `dir`, sorted, as paths relative to it (with `/`, so messages read the same everywhere). */
async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** Parses one file; a syntax error names the file, line and column. */
export function parseYaml(text: string, source: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problem = document.errors[0];
  if (problem) {
    const at = problem.linePos?.[0];
    throw new FileError(
      `${source}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  return document.toJS() as unknown;
}

/** One item file: `kind` (one of KINDS) and `spec` (an object), nothing else. */
function item(document: unknown, source: string): { kind: Kind; spec: Record<string, unknown> } {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new FileError(`${source}: must be a mapping with kind and spec`);
  const { kind, spec, ...extra } = document as Record<string, unknown>;
  if (!KINDS.includes(kind as Kind)) throw new FileError(`${source}: kind: must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind ?? null)}`);
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new FileError(`${source}: spec: must be a mapping`);
  const unknown = Object.keys(extra);
  if (unknown.length > 0) throw new FileError(`${source}: ${unknown[0]}: unknown top-level field (a file holds kind and spec only)`);
  return { kind: kind as Kind, spec: spec as Record<string, unknown> };
}

async function readJson(path: string, source: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new FileError(`${source}: cannot be read (${error.code ?? error.message})`);
  });
  // JSON is YAML: the same parser gives the same file:line:column messages.
  return parseYaml(text, source);
}

/** A Tyk policy file: one policy, or Tyk's policies.json (an object keyed by policy id). */
function isOnePolicy(value: Record<string, unknown>): boolean {
  return ['access_rights', 'name', 'id', '_id', 'rate', 'quota_max'].some((key) => key in value);
}

/**
 * Tyk Sync's layout: `.tyk.json` lists API definition files (`files`) and policy files (`policies`),
 * each `{file: path}`. API files hold a Tyk classic definition (or Tyk Sync's `{api_definition: ...}`);
 * the registry reads them as `/tyk/apis` and the Tyk import do.
 */
async function readTykSync(dir: string, set: ConfigSet): Promise<void> {
  let index: unknown;
  try {
    index = await readJson(join(dir, TYK_SYNC_INDEX), TYK_SYNC_INDEX);
  } catch (error) {
    if (error instanceof FileError && /ENOENT/.test(error.message)) return;
    throw error;
  }
  if (index === null || typeof index !== 'object' || Array.isArray(index)) throw new FileError(`${TYK_SYNC_INDEX}: must be an object with files and policies`);
  const listed = (field: 'files' | 'policies'): string[] => {
    const entries = (index as Record<string, unknown>)[field] ?? [];
    if (!Array.isArray(entries)) throw new FileError(`${TYK_SYNC_INDEX}: ${field}: must be a list of {file: path}`);
    return entries.map((entry: unknown, at) => {
      const file = (entry as { file?: unknown } | null)?.file;
      if (typeof file !== 'string' || file === '') throw new FileError(`${TYK_SYNC_INDEX}: ${field}[${at}].file: must be a path`);
      return file;
    });
  };
  for (const file of listed('files')) {
    const value = await readJson(join(dir, file), file);
    const wrapped = (value as { api_definition?: unknown } | null)?.api_definition;
    set.apis.push({ source: file, value: wrapped ?? value });
  }
  for (const file of listed('policies')) {
    const value = await readJson(join(dir, file), file);
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !isOnePolicy(value as Record<string, unknown>)) {
      for (const [key, policy] of Object.entries(value)) set.policies.push({ source: `${file}[${JSON.stringify(key)}]`, value: policy, key });
    } else set.policies.push({ source: file, value });
  }
}

/**
 * Reads a configuration folder: every `*.yaml`/`*.yml` file under it (one item each), and Tyk Sync's
 * `.tyk.json` with the files it lists. Problems with the files are found here, before anything is
 * sent; problems with the items' fields are the registry's to find.
 */
export async function readSet(dir: string, env: NodeJS.ProcessEnv): Promise<ConfigSet> {
  const set = emptySet();
  let files: string[];
  try {
    files = await yamlFiles(dir);
  } catch (error) {
    throw new FileError(`${dir}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  for (const source of files) {
    const { kind, spec } = item(parseYaml(await readFile(join(dir, source), 'utf8'), source), source);
    set[SET_KEYS[kind]].push({ source, value: resolveEnvRefs(spec, source, env) });
  }
  await readTykSync(dir, set);
  return set;
}
