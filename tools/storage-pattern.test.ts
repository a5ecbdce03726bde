import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * One storage pattern (issue 14): the services that own PostgreSQL tables reach them only through
 * the stores of a storage folder, the only modules given the DataSource. Elsewhere TypeORM is
 * allowed for types (an EntityManager handed on inside a transaction) and for an entity's
 * decorators, and the database library for types; the wiring directly in src opens the database.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const services = ['apps/auth/src', 'apps/registry/src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The value (not `import type`) imports of a module specifier, one string of names each. */
function valueImports(text: string, specifier: string): string[] {
  const pattern = new RegExp(`import\\s+(?!type\\b)([^;]*?)\\s+from\\s+'${specifier.replace(/[/@]/g, '\\$&')}'`, 'g');
  return [...text.matchAll(pattern)].map((match) => match[1]!);
}

/** Names imported as values, `type` members left out. */
function valueNames(clause: string): string[] {
  const named = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
  return named
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && !name.startsWith('type '));
}

const entityDecorators = new Set(['Column', 'Entity', 'Index', 'PrimaryColumn', 'PrimaryGeneratedColumn', 'CreateDateColumn', 'UpdateDateColumn']);

function problemsOf(src: string): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles(join(root, src))) {
    const path = relative(join(root, src), file);
    const wiring = !path.includes('/');
    if (path.split('/').includes('storage') || wiring) continue;
    const text = readFileSync(file, 'utf8');
    for (const clause of valueImports(text, 'typeorm')) {
      const names = valueNames(clause);
      const allowed = file.endsWith('.entity.ts') && names.every((name) => entityDecorators.has(name));
      if (!allowed) problems.push(`${src}/${path}: imports ${names.join(', ') || clause} from typeorm outside storage`);
    }
    for (const clause of valueImports(text, '@portcullis/database'))
      problems.push(`${src}/${path}: imports ${clause} from @portcullis/database outside storage`);
  }
  return problems;
}

describe('one storage pattern', () => {
  for (const src of services) {
    it(`${src}: only storage folders reach PostgreSQL (TypeORM outside them: types and entity decorators)`, () => {
      expect(problemsOf(src)).toEqual([]);
    });
  }
});
