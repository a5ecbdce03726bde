import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { startTcpLink, type TcpLink } from '../tools/test/tcp-link.js';
import { describeWithServices } from '../tools/test/with-services.js';
import { testServices } from '../tools/test/services.js';
import { composeService } from './support/compose-services.js';
import { freePort, runSubjectPrefix, spawnNode, waitFor, type SpawnedProcess } from './support/processes.js';

/**
 * A SIGTERM (docker stop, a scaler) that reaches a service while it is still starting: the built
 * gateway is started on a NATS link the test holds cut, so its start waits on the bus, and is sent
 * SIGTERM there. It must not die half-started on the default signal action: it waits for the start
 * to reach a stoppable point, stops cleanly and exits 0; a start that cannot finish ends with one
 * line and exit 1. Neither prints a stack.
 */
describeWithServices('a signal while a service starts', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  let link: TcpLink | undefined;
  let gateway: SpawnedProcess | undefined;

  afterEach(async () => {
    await gateway?.stop(2_000);
    await link?.close();
  });

  async function startGatewayOnCutLink(): Promise<SpawnedProcess> {
    link = await startTcpLink(testServices.natsUrl);
    await link.cut();
    const { command, env } = composeService('gateway', { port: await freePort(), adminSecret });
    const spawned = spawnNode(command.slice(1), { NODE_ENV: 'production', ...env, NATS_URL: link.url, NATS_SUBJECT_PREFIX: runSubjectPrefix });
    // Nest's first line: main.ts is running the start, its signal handlers are in place.
    await waitFor(async () => spawned.logs().includes('Starting Nest application'), { timeoutMs: 20_000, message: 'the gateway to begin starting' });
    return spawned;
  }

  const stack = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

  it('waits for the start, then stops cleanly with exit 0', async () => {
    gateway = await startGatewayOnCutLink();
    gateway.child.kill('SIGTERM');
    await waitFor(async () => gateway!.logs().includes('stopping once started'), { timeoutMs: 5_000, message: 'the gateway to say it stops once started' });
    await link!.restore();
    expect(await gateway.exited).toBe(0);
    expect(gateway.logs()).toContain('gateway stopped cleanly');
    expect(gateway.logs()).not.toMatch(stack);
    expect(gateway.logs()).not.toContain('gateway listening on');
  });

  it('exits 1 with one line when the start cannot finish, without a stack', async () => {
    gateway = await startGatewayOnCutLink();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(1);
    expect(gateway.logs()).toMatch(/still starting \d+ ms after SIGTERM/);
    expect(gateway.logs()).not.toMatch(stack);
  }, 30_000);
});
