import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { subjects } from './subjects.js';

describe('subjects', () => {
  it('are all distinct', () => {
    const values = Object.values(subjects);
    expect(new Set(values).size).toBe(values.length);
  });

  it('are exactly the ones the "Messages" table of docs/architecture.md documents', () => {
    const page = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
    const section = page.split('## Messages')[1]!.split('\n## ')[0]!;
    const documented = [...section.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.values(subjects).sort());
  });
});
