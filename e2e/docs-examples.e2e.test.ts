import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareOutput, instrument, outputsOf, parsePage, splitCommands, type DocBlock } from '../tools/docs-examples/examples.js';
import { startDcrProvider, type DcrProviderFixture } from '../tools/test/oidc-dcr-provider.js';
import { repoRoot } from './support/compose-services.js';
import { startEmbeddedOnFreePorts, type EmbeddedPorts } from './support/embedded-process.js';

/**
 * Every shell example of the README and docs/*.md, run in order as printed, each page against a
 * fresh `npm start` (the built launcher, a scratch DATA_DIR), and its shown output checked. The
 * services listen on free ports, and the one rewrite the test makes is theirs: `localhost:8080` and
 * `127.0.0.1:8080` (3001, 3002 likewise) become those ports, in the commands and in the output shown,
 * so a developer's own `npm start` on 8080 does not fail the run. The servers the examples start
 * themselves (an upstream on 9000, ...) are run as printed, on their ports, which must be free. The rules are in tools/docs-examples/examples.ts and CONTRIBUTING.md
 * ("Docs are tested"). The blocks of a page run one after another in one folder (the one that holds
 * `data/`, and the repo's `docs/` beside it), as a reader's terminal would: variables set by one block are there in the next, and the
 * servers a block starts in the background run until the page is done.
 */

/** The ports of the servers the examples start themselves, or the test for them (test-provides). */
const exampleServerPorts = [9000, 9001, 9002, 9400];
const blockTimeoutMs = 60_000;
const stateFile = '.docs-state';

const pages = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

interface BlockResult {
  line: number;
  outcome: 'passed' | 'failed' | 'not-run';
  detail: string;
}

/** The documented service ports, as host:port, rewritten to where this run's services listen. */
function onPorts(code: string, ports: EmbeddedPorts): string {
  const actual: Record<string, number> = { '8080': ports.gateway, '3001': ports.registry, '3002': ports.auth };
  return code.replace(/\b(localhost|127\.0\.0\.1):(8080|3001|3002)\b/g, (_, host: string, port: string) => `${host}:${actual[port]}`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** What a `<!-- test-provides: ... -->` marker asks for, started where it says. */
async function provide(what: string): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const oidc = /^oidc-provider at http:\/\/127\.0\.0\.1:(\d+) for the audience (\S+), its initial access token in \$(\w+)$/.exec(what);
  if (oidc) {
    const provider: DcrProviderFixture = await startDcrProvider({ port: Number(oidc[1]), audience: oidc[2]! });
    return { env: { [oidc[3]!]: provider.initialAccessToken }, close: () => provider.close() };
  }
  throw new Error(`unknown test-provides marker: ${what}`);
}

/** Runs one block with bash in `cwd`; stdout and stderr go to files, so background servers hold no pipe. */
async function runBlock(block: DocBlock, cwd: string, env: Record<string, string>, groups: number[], ports: EmbeddedPorts): Promise<BlockResult> {
  const commands = splitCommands(onPorts(block.code, ports));
  const script = instrument(commands, stateFile);
  const outPath = join(cwd, '.docs-out');
  const errPath = join(cwd, '.docs-err');
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', out, err], detached: true });
  closeSync(out);
  closeSync(err);
  groups.push(child.pid!);
  const status = await new Promise<number | 'timeout'>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), blockTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
  const stdout = readFileSync(outPath, 'utf8');
  const stderr = readFileSync(errPath, 'utf8');
  if (status === 'timeout') return { line: block.line, outcome: 'failed', detail: `did not finish within ${blockTimeoutMs} ms\n${stdout}\n${stderr}` };
  const results = outputsOf(stdout);
  const problems: string[] = [];
  commands.forEach((command, index) => {
    const result = results[index];
    const where = `line ${block.line + command.line} \`${command.text.split('\n')[0]!.slice(0, 100)}\``;
    if (!result) return problems.push(`${where}: did not run`);
    if (command.shown === null) {
      if (result.status !== 0) problems.push(`${where}: exited ${result.status}\n${result.output}`);
      else if (result.output.includes('"error":"')) problems.push(`${where}: answered an error the docs do not show: ${result.output.trim()}`);
    } else {
      const difference = compareOutput(command.shown, result.output);
      if (difference) problems.push(`${where}: ${difference}`);
    }
    return undefined;
  });
  if (problems.length && stderr.trim()) problems.push(`stderr:\n${stderr.trim()}`);
  return { line: block.line, outcome: problems.length ? 'failed' : 'passed', detail: problems.join('\n') };
}

const summary: string[] = [];

describe('shell examples, run as printed', () => {
  // A first start creates the databases (the slow part); each page gets a copy of that empty data
  // folder, so every page still starts fresh: a new process on an empty configuration.
  let template: string;
  beforeAll(async () => {
    template = await mkdtemp(join(tmpdir(), 'portcullis-docs-template-'));
    const { portcullis: first } = await startEmbeddedOnFreePorts(join(template, 'data'), {}, 180_000);
    await first.stop();
  }, 240_000);
  afterAll(async () => {
    if (template) await rm(template, { recursive: true, force: true });
    console.log(`the docs examples, per page:\n${summary.join('\n')}`);
  });

  for (const page of pages) {
    const parsed = parsePage(readFileSync(join(repoRoot, page), 'utf8'));
    const runnable = parsed.blocks.filter((block) => block.notRun === null);
    it.skipIf(parsed.blocks.length === 0)(`${page}`, { timeout: 120_000 + runnable.length * blockTimeoutMs }, async () => {
      if (runnable.length === 0) {
        // Nothing to run: the page's blocks are all marked, and listed with their reasons.
        summary.push(`${page}: 0 run, ${parsed.blocks.length} not run\n${parsed.blocks.map((b) => `  not run, line ${b.line}: ${b.notRun}`).join('\n')}`);
        return;
      }
      for (const port of exampleServerPorts) {
        if (!(await portFree(port))) throw new Error(`port ${port} is in use: the examples start their own servers on it, as printed`);
      }
      const cwd = await mkdtemp(join(tmpdir(), 'portcullis-docs-'));
      await cp(join(template, 'data'), join(cwd, 'data'), { recursive: true });
      // The repo's docs/ beside data/, as in a checkout, for examples that run a file from it (docs/examples/).
      await symlink(join(repoRoot, 'docs'), join(cwd, 'docs'));
      const groups: number[] = [];
      const provided = await Promise.all(parsed.provides.map(provide));
      const { ports, portcullis } = await startEmbeddedOnFreePorts(join(cwd, 'data'));
      const results: BlockResult[] = [];
      try {
        const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...Object.assign({}, ...provided.map((p) => p.env)) };
        for (const block of parsed.blocks) {
          results.push(block.notRun !== null ? { line: block.line, outcome: 'not-run', detail: block.notRun } : await runBlock(block, cwd, env, groups, ports));
        }
      } finally {
        for (const group of groups) {
          try {
            process.kill(-group, 'SIGKILL');
          } catch {
            // the block's processes have all ended
          }
        }
        await portcullis.stop();
        await Promise.all(provided.map((p) => p.close()));
        await rm(cwd, { recursive: true, force: true });
      }
      const count = (outcome: BlockResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
      const notRun = results.filter((r) => r.outcome === 'not-run').map((r) => `  not run, line ${r.line}: ${r.detail}`);
      summary.push(
        `${page}: ${results.length - count('not-run')} run, ${count('passed')} passed, ${count('failed')} failed, ${count('not-run')} not run\n${notRun.join('\n')}`,
      );
      const failures = results.filter((r) => r.outcome === 'failed').map((r) => `${page} block at line ${r.line}:\n${r.detail}`);
      if (failures.length) console.log(failures.join('\n\n'));
      expect(failures, failures.join('\n\n')).toEqual([]);
    });
  }
});
