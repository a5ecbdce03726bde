import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { apiItems, policyItems, type ImportBatch, type ImportError } from './import-items.js';

export interface ImportFiles {
  /** A Tyk `policies.json`. */
  policiesFile?: string;
  /** A folder of classic API definition files (`*.json`), as Tyk's `app_path`. */
  apisDir?: string;
}

/** Reads a Tyk file-based setup; unreadable or malformed files are errors like any invalid field. */
export async function readImportFiles(files: ImportFiles): Promise<{ batch: ImportBatch; errors: ImportError[] }> {
  const batch: ImportBatch = { policies: [], apis: [] };
  const errors: ImportError[] = [];
  if (files.policiesFile) {
    const source = basename(files.policiesFile);
    const parsed = await readJson(files.policiesFile, source, errors);
    if (parsed.ok) {
      const read = policyItems(parsed.value, source);
      batch.policies.push(...read.items);
      errors.push(...read.errors);
    }
  }
  if (files.apisDir) {
    let names: string[] = [];
    try {
      names = (await readdir(files.apisDir, { withFileTypes: true }))
        .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
        .map((entry) => entry.name);
    } catch (error) {
      errors.push({ source: files.apisDir, field: '(folder)', message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    }
    // Sorted, so the same folder is imported in the same order (and gets the same revisions) every time.
    for (const name of names.sort()) {
      const parsed = await readJson(join(files.apisDir, name), name, errors);
      if (parsed.ok) batch.apis.push(...apiItems([parsed.value], name).items.map((item) => ({ ...item, source: name })));
    }
  }
  return { batch, errors };
}

async function readJson(path: string, source: string, errors: ImportError[]): Promise<{ ok: true; value: unknown } | { ok: false }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    errors.push({ source, field: '(file)', message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    return { ok: false };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    errors.push({ source, field: '(file)', message: `is not valid JSON: ${error instanceof Error ? error.message : String(error)}` });
    return { ok: false };
  }
}
