import { stripVTControlCharacters } from 'node:util';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeEmbeddedPorts, parseBanner } from './support/embedded-process.js';
import { repoRoot } from './support/compose-services.js';
import { spawnNode, waitFor } from './support/processes.js';

/**
 * What a person sees from the built mains when something is wrong or when they look at the logs:
 * a configuration mistake is a list of what to fix, not a stack; embedded mode writes its log for a
 * person on a terminal and as JSON for a program anywhere else.
 */
describe('a configuration error', () => {
  // Bad for every main: each reads some of these, the launcher the services' ones too.
  const badEnv = {
    GATEWAY_PORT: 'http',
    REGISTRY_PORT: '99999',
    AUTH_PORT: 'x',
    LOG_LEVEL: 'loud',
    NATS_SUBJECT_PREFIX: 'no-dot',
    ADMIN_SECRET: 'short',
    PORTAL_PUBLIC_URL: 'ftp://portal',
    CREDENTIAL_CACHE_TTL_MS: '-1',
  };
  const mains = {
    portcullis: [
      'GATEWAY_PORT',
      'REGISTRY_PORT',
      'AUTH_PORT',
      'LOG_LEVEL',
      'NATS_SUBJECT_PREFIX',
      'ADMIN_SECRET',
      'PORTAL_PUBLIC_URL',
      'CREDENTIAL_CACHE_TTL_MS',
    ],
    gateway: ['GATEWAY_PORT', 'LOG_LEVEL', 'NATS_SUBJECT_PREFIX', 'ADMIN_SECRET', 'CREDENTIAL_CACHE_TTL_MS'],
    auth: ['AUTH_PORT', 'LOG_LEVEL', 'NATS_SUBJECT_PREFIX', 'ADMIN_SECRET'],
    registry: ['REGISTRY_PORT', 'LOG_LEVEL', 'NATS_SUBJECT_PREFIX', 'ADMIN_SECRET', 'PORTAL_PUBLIC_URL'],
  };

  for (const [main, variables] of Object.entries(mains)) {
    it(`lists every bad variable once, with its reason, and exits 1 without a stack (${main})`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-config-'));
      try {
        const child = spawnNode([`apps/${main}/dist/main.js`], { ...badEnv, DATA_DIR: dataDir });
        expect(await child.exited).toBe(1);
        const lines = child.logs().trimEnd().split('\n');
        expect(lines[0]).toBe('Invalid configuration:');
        const listed = lines.slice(1).map((line) => /^ {2}- ([A-Z_]+): \S.*$/.exec(line)?.[1] ?? `unexpected line: ${line}`);
        expect(listed.sort()).toEqual([...variables].sort());
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  }
});

describe('embedded mode logs', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-logs-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function launcherEnv(): Promise<Record<string, string>> {
    const ports = await freeEmbeddedPorts();
    return { DATA_DIR: dataDir, GATEWAY_PORT: String(ports.gateway), REGISTRY_PORT: String(ports.registry), AUTH_PORT: String(ports.auth), LOG_LEVEL: 'info' };
  }

  /** Waits for the banner, then stops the launcher with SIGTERM: everything it wrote, and its exit code. */
  async function untilBannerThenStop(output: () => string, stop: () => Promise<number | null>): Promise<{ output: string; exitCode: number | null }> {
    try {
      await waitFor(() => parseBanner(output()), { timeoutMs: 90_000, intervalMs: 100, message: 'the banner' });
    } catch (error) {
      await stop();
      throw new Error(`${(error as Error).message}\n${output()}`, { cause: error });
    }
    const exitCode = await stop();
    return { output: output().replace(/\r/g, ''), exitCode };
  }

  it('are JSON lines on a pipe, and a clean stop says so', async () => {
    const launcher = spawnNode(['apps/portcullis/dist/main.js'], await launcherEnv());
    const { output, exitCode } = await untilBannerThenStop(launcher.logs, () => launcher.stop());
    expect(exitCode).toBe(0);
    const logLines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(Number), service: expect.any(String) });
    expect(output).not.toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO/m);
    expect(output).toMatch(/^Portcullis stopped cleanly\.$/m);
  });

  it('are human-readable lines on a terminal', async () => {
    // util-linux's `script` runs the launcher on a pseudo-terminal; the shell says the launcher's
    // pid (exec keeps it), for the SIGTERM.
    const command = `echo "pid=$$"; exec '${process.execPath}' apps/portcullis/dist/main.js`;
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(await launcherEnv()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const stop = async () => {
      const pid = /pid=(\d+)/.exec(text)?.[1];
      if (pid) process.kill(Number(pid), 'SIGTERM');
      else child.kill('SIGKILL');
      return exited;
    };
    const { output, exitCode } = await untilBannerThenStop(() => text, stop);
    expect(exitCode).toBe(0);
    const plain = stripVTControlCharacters(output);
    expect(plain).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO \((gateway|registry|auth)\): /m);
    expect(plain).not.toMatch(/^\{"level"/m);
    expect(plain).toMatch(/^Portcullis stopped cleanly\.$/m);
  });
});
