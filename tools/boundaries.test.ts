import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What the module boundaries need beyond Nx's `@nx/enforce-module-boundaries` (eslint.config.mjs),
 * which already refuses, by the tags in each package.json: a library importing an app, a service
 * importing another service, a relative import into another project, a project importing itself by
 * name, and the contracts importing an ORM, a driver, NATS or Nest. The rule cannot say these,
 * so they stay here: no deep import into a workspace package, every workspace import a source makes
 * is declared in its package.json and referenced in its tsconfig, no cycle between the folders of an
 * app's or library's src, and the contracts import other libraries for their types only.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

interface Project {
  dir: string;
  name: string;
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

describe('module boundaries', () => {
  for (const project of all) {
    const files = sourceFiles(project.dir);

    it(`${project.name} imports workspace packages by their entry point only, and declares those its source imports`, () => {
      const problems: string[] = [];
      for (const file of files) {
        for (const spec of importsOf(file).filter((s) => s.startsWith('@portcullis/'))) {
          const where = relative(root, file);
          const [scope, name, ...deep] = spec.split('/');
          const target = byName.get(`${scope}/${name}`);
          if (deep.length > 0) problems.push(`${where}: deep import ${spec}`);
          // Tests may use more than the code ships with; source imports must be declared.
          if (target && target !== project && file.includes('/src/') && !project.dependencies.includes(target.name))
            problems.push(`${where}: ${target.name} not in package.json dependencies`);
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

  it('keeps the contracts library light: other libraries only for their types (the rule bans the heavy packages)', () => {
    const contracts = byName.get('@portcullis/contracts')!;
    for (const file of sourceFiles(join(contracts.dir, 'src'))) {
      const text = readFileSync(file, 'utf8');
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
