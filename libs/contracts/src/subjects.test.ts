import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyticsSubjects } from './analytics.js';
import { authSubjects } from './auth.js';
import { gatewaySubjects } from './gateway.js';
import { registrySubjects } from './registry.js';
import { subjects } from './subjects.js';

describe('subjects', () => {
  it('are each owned by one file, named after the owner they start with', () => {
    const slices = { registry: registrySubjects, auth: authSubjects, gateway: gatewaySubjects, analytics: analyticsSubjects };
    const owned = Object.entries(slices).flatMap(([owner, slice]) => Object.entries(slice).map(([key, subject]) => ({ owner, key, subject })));
    // A key in two slices would be silently overwritten by the spread that joins them.
    expect(owned.length).toBe(Object.keys(subjects).length);
    for (const { owner, key, subject } of owned) {
      expect(key.startsWith(owner), key).toBe(true);
      expect(subject.startsWith(`${owner}.`), subject).toBe(true);
    }
  });

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
