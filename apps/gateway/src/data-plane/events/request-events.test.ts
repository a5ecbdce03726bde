import { describe, expect, it, vi } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { identity, memoryEnforcement, rights } from '../../../test/fixtures/enforcement.js';
import type { Identity } from '../identity.js';
import { authorise } from '../steps/authorise.js';
import { match } from '../steps/match.js';
import { quota } from '../steps/quota.js';
import { rateLimit } from '../steps/rate-limit.js';
import { CONTINUE, type Step } from '../step.js';
import { runChain } from '../chain.js';
import { ApiEvents } from './api-events.js';
import { EventDispatcher } from './event-dispatcher.js';

/**
 * Request events raised where the steps refuse: a log handler of each shows what was raised, with
 * Tyk's message, the path, and the identity's hash as the key (never a credential).
 */
function setup(withHandlers: boolean) {
  const { enforcement } = memoryEnforcement({ now: () => 1_700_000_000_000 });
  const { config } = compiledConfiguration(
    [definition({ api_id: 'a', use_keyless: false, proxy: { listen_path: '/a', target_url: 'http://127.0.0.1:9' } })],
    30,
    undefined,
    enforcement,
  );
  const lines: string[] = [];
  const sink = {
    dispatcher: new EventDispatcher({ maxQueued: 1, concurrency: 1, timeoutMs: 100 }, { outcome: () => undefined, warn: () => undefined }),
    log: (line: string) => lines.push(line),
  };
  const log = [{ kind: 'log' as const, prefix: 'p' }];
  const events = withHandlers
    ? new ApiEvents(
        'a',
        new Map([
          ['RatelimitExceeded', log],
          ['QuotaExceeded', log],
          ['KeyExpired', log],
        ]),
        sink,
      )
    : null;
  const run = (step: Step, who: Identity) => {
    const { ctx } = contextFor(config, '/a/x?secret=1');
    match.handle(ctx);
    ctx.api = { ...ctx.api!, events };
    ctx.identity = who;
    return step.handle(ctx);
  };
  /** Runs `step` as the chain does (waiting for a quota lease when it must); whether the request went on. */
  const chained = async (step: Step, who: Identity) => {
    const { ctx, written } = contextFor(config, '/a/x?secret=1');
    match.handle(ctx);
    ctx.api = { ...ctx.api!, events };
    ctx.identity = who;
    let reached = false;
    ctx.chain = [step, { name: 'probe', always: false, enabledFor: () => true, handle: () => ((reached = true), CONTINUE) }];
    runChain(ctx);
    await vi.waitFor(() => expect(reached || written.status !== undefined).toBe(true));
    return reached;
  };
  return { run, chained, lines };
}

describe('request events', () => {
  it('RatelimitExceeded on the refused request only', () => {
    const { run, lines } = setup(true);
    const who = identity(rights({ rate: 1, per: 60, access: { a: [] } }));
    expect(run(rateLimit, who).kind).toBe('continue');
    expect(lines).toEqual([]);
    expect(run(rateLimit, who)).toMatchObject({ status: 429 });
    expect(lines).toEqual([`p:RatelimitExceeded:a:/a/x: Key Rate Limit Exceeded`]);
  });

  it('QuotaExceeded when the quota is spent', async () => {
    const { chained, lines } = setup(true);
    const who = identity(rights({ quotaMax: 1, quotaRenewalRate: 3600, access: { a: [] } }));
    expect(await chained(quota, who)).toBe(true);
    expect(lines).toEqual([]);
    expect(await chained(quota, who)).toBe(false);
    expect(lines).toEqual([`p:QuotaExceeded:a:/a/x: Key Quota Limit Exceeded`]);
  });

  it('KeyExpired for an expired key, not for an unlisted API', () => {
    const { run, lines } = setup(true);
    expect(run(authorise, identity(rights({ access: { a: [] } }), { expiresAt: 1 })).kind).toBe('fail');
    expect(run(authorise, identity(rights({ access: { b: [] } }))).kind).not.toBe('continue');
    expect(lines).toEqual([`p:KeyExpired:a:/a/x: Key has expired, please renew`]);
  });

  it('nothing for an API without handlers', () => {
    const { run, lines } = setup(false);
    const who = identity(rights({ rate: 1, per: 60, access: { a: [] } }));
    run(rateLimit, who);
    expect(run(rateLimit, who)).toMatchObject({ status: 429 });
    expect(lines).toEqual([]);
  });
});
