import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The module-boundary rules, checked over the source (our equivalent of Nx's enforce-module-boundaries):
 * libraries import only libraries; services import libraries, never another app; only the embedded
 * launcher composes the services; every import of a workspace package is declared; no deep imports.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

interface Project {
  dir: string;
  name: string;
  tag: 'type:lib' | 'type:service' | 'type:launcher';
  dependencies: string[];
  references: string[];
}

function projects(): Project[] {
  return ['apps', 'libs'].flatMap((group) =>
    readdirSync(join(root, group)).map((entry) => {
      const dir = join(root, group, entry);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
      return {
        dir,
        name: pkg.name,
        tag: pkg.nx.tags[0],
        dependencies: Object.keys(pkg.dependencies ?? {}),
        references: (tsconfig.references ?? []).map((ref: { path: string }) => ref.path),
      };
    }),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'dist' || entry === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const all = projects();
const byName = new Map(all.map((p) => [p.name, p]));
const allowed: Record<Project['tag'], Project['tag'][]> = {
  'type:lib': ['type:lib'],
  'type:service': ['type:lib'],
  'type:launcher': ['type:lib', 'type:service'],
};

describe('module boundaries', () => {
  for (const project of all) {
    const files = sourceFiles(project.dir);

    it(`${project.name} imports only what its kind (${project.tag}) may, and declares it`, () => {
      const problems: string[] = [];
      for (const file of files) {
        for (const spec of importsOf(file)) {
          const where = relative(root, file);
          if (spec.startsWith('@portcullis/')) {
            const [scope, name, ...deep] = spec.split('/');
            const target = byName.get(`${scope}/${name}`);
            if (deep.length > 0) problems.push(`${where}: deep import ${spec}`);
            if (!target) problems.push(`${where}: unknown package ${spec}`);
            else {
              if (target.name === project.name) problems.push(`${where}: imports itself by package name`);
              if (!allowed[project.tag].includes(target.tag)) problems.push(`${where}: a ${project.tag} may not import ${target.name} (${target.tag})`);
              // Tests may use more than the code ships with; source imports must be declared.
              if (file.includes('/src/') && !project.dependencies.includes(target.name))
                problems.push(`${where}: ${target.name} not in package.json dependencies`);
            }
          } else if (spec.startsWith('.')) {
            const resolved = join(file, '..', spec);
            // Tests (never shipped code, unit tests beside the source included) may use the shared test support in tools/test.
            const testSupport = (file.endsWith('.test.ts') || !file.includes('/src/')) && resolved.startsWith(join(root, 'tools', 'test'));
            if (!resolved.startsWith(project.dir) && !testSupport) problems.push(`${where}: relative import leaves the project: ${spec}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it(`${project.name} has no cycle between the folders of its src (each layer imports only those below it)`, () => {
      expect(
        folderCycles(
          join(project.dir, 'src'),
          files.filter((file) => !file.endsWith('.test.ts')),
        ),
      ).toEqual([]);
    });

    it(`${project.name} references in tsconfig every workspace package it depends on`, () => {
      const referenced = project.references.map((ref) => join(project.dir, ref));
      const missing = project.dependencies.filter((dep) => byName.has(dep)).filter((dep) => !referenced.includes(byName.get(dep)!.dir));
      expect(missing).toEqual([]);
    });
  }

  it('keeps the contracts library free of heavy dependencies (types only from other libs)', () => {
    const contracts = byName.get('@portcullis/contracts')!;
    for (const file of sourceFiles(join(contracts.dir, 'src'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from ['"](typeorm|pg|@nats-io\/[^'"]+|@nestjs\/[^'"]+)['"]/);
      expect(text, file).not.toMatch(/^import (?!type)[^;]*from ['"]@portcullis\//m);
    }
  });
});

/** The top-level folder under `src` a file is in; undefined for a file directly in `src` (the wiring). */
function folderOf(src: string, file: string): string | undefined {
  const parts = relative(src, file).split('/');
  return parts.length > 1 && parts[0] !== '..' ? parts[0] : undefined;
}

/**
 * The groups of src folders that import each other in a ring (Tarjan's strongly connected components
 * over "a file in folder A imports a file in folder B"), each with the imports that close it.
 */
function folderCycles(src: string, files: string[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(src, file);
    if (from === undefined) continue;
    for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
      const to = folderOf(src, join(file, '..', spec));
      if (to === undefined || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${relative(src, file)} imports ${spec}`);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const ring: string[] = [];
    let member: string;
    do ring.push((member = stack.pop()!));
    while (member !== node);
    if (ring.length > 1) {
      const closing = ring.flatMap((a) => ring.filter((b) => edges.get(a)?.has(b)).map((b) => edges.get(a)!.get(b)!));
      cycles.push(`${ring.sort().join(' <-> ')}: ${closing.join('; ')}`);
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
