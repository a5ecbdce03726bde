import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './catalogue.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** `| 403 | \`access_denied\` | ... |` rows of docs/errors.md: code -> status. */
function documentedCodes(): Map<string, number> {
  const page = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const rows = [...page.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)];
  return new Map(rows.map((row) => [row[2]!, Number(row[1])]));
}

/** Every non-test TypeScript source of the apps and libs, the catalogue itself left out. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !path.endsWith(join('libs', 'errors', 'src', 'catalogue.ts'))) files.push(path);
    }
  };
  for (const group of ['apps', 'libs'])
    for (const project of readdirSync(join(root, group))) {
      const src = join(root, group, project, 'src');
      if (statSync(src, { throwIfNoEntry: false })?.isDirectory()) walk(src);
    }
  return files;
}

describe('the error catalogue and docs/errors.md', () => {
  it('document exactly the same codes, with the same statuses', () => {
    const catalogue = new Map(Object.entries(errorCatalogue).map(([code, entry]) => [code, entry.status]));
    expect([...documentedCodes()].sort()).toEqual([...catalogue].sort());
  });

  it('hold no code that nothing answers with', () => {
    const sources = sourceFiles()
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unused = Object.keys(errorCatalogue).filter((code) => !sources.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });
});
