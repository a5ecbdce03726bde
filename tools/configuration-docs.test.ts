import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as auth from '../apps/auth/src/config.js';
import * as gateway from '../apps/gateway/src/config.js';
import * as embedded from '../apps/portcullis/src/config.js';
import * as registry from '../apps/registry/src/config.js';

/** The variables a service's zod schema reads (with the shared ones it picks from libs/config and libs/analytics variables.ts). */
function variablesOf(module: Record<string, unknown>): string[] {
  const schemas = Object.values(module).filter((value): value is z.ZodType => value instanceof z.ZodType);
  expect(schemas).toHaveLength(1);
  let current: unknown = schemas[0];
  while (current instanceof z.ZodPipe) current = current.in;
  if (!(current instanceof z.ZodObject)) throw new Error('a config schema is not a zod object (optionally piped through transforms)');
  return Object.keys(current.shape);
}

/** `| \`NAME\` | default | read by | what |` rows of docs/configuration.md: name -> services. */
function documented(): Map<string, string[]> {
  const page = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
  const rows = new Map<string, string[]>();
  for (const match of page.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| .*? \| ((?:gateway|registry|auth|embedded)(?:, (?:gateway|registry|auth|embedded))*) \|/gm)) {
    expect(rows.has(match[1]!), `${match[1]} is listed twice`).toBe(false);
    rows.set(
      match[1]!,
      match[2]!
        .split(',')
        .map((service) => service.trim())
        .sort(),
    );
  }
  return rows;
}

describe('docs/configuration.md and the config schemas', () => {
  it('lists every variable every service reads, with exactly the services that read it, and nothing else', () => {
    const services = { gateway, registry, auth, embedded };
    const read = new Map<string, string[]>();
    for (const [service, module] of Object.entries(services)) {
      for (const variable of variablesOf(module as Record<string, unknown>)) read.set(variable, [...(read.get(variable) ?? []), service].sort());
    }
    expect(read.size).toBeGreaterThan(40);
    const rows = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8').match(/^\| `[A-Z]/gm) ?? [];
    expect(documented().size, 'every row names its services in the "read by" column').toBe(rows.length);
    expect(Object.fromEntries(documented())).toEqual(Object.fromEntries(read));
  });
});
