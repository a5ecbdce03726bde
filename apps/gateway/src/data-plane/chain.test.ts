import { describe, expect, it } from 'vitest';
import { fakeExchange } from '../../test/fixtures/data-plane.js';
import { resumeChain, runChain } from './chain.js';
import type { CompiledConfiguration } from './compiled.js';
import { RequestContext } from './request-context.js';
import { CONTINUE, fail, PENDING, respond, type Step, type StepResult } from './step.js';

function step(name: string, result: StepResult, ran: string[], always = false): Step {
  return { name, always, enabledFor: () => true, handle: () => (ran.push(name), result) };
}

function contextWith(steps: Step[]) {
  const { req, res, written } = fakeExchange('/x');
  const config = { entryChain: steps } as unknown as CompiledConfiguration;
  return { ctx: new RequestContext(req, res, config, performance.now()), written };
}

describe('runChain', () => {
  it('runs every step in order while they continue', () => {
    const ran: string[] = [];
    const { ctx } = contextWith([step('a', CONTINUE, ran), step('b', CONTINUE, ran), step('rec', CONTINUE, ran, true)]);
    runChain(ctx);
    expect(ran).toEqual(['a', 'b', 'rec']);
  });

  it('writes a respond result and skips to the always steps', () => {
    const ran: string[] = [];
    const answer = respond(418, ['content-type', 'text/plain'], Buffer.from('short and stout'));
    const { ctx, written } = contextWith([step('a', answer, ran), step('b', CONTINUE, ran), step('rec', CONTINUE, ran, true)]);
    runChain(ctx);
    expect(ran).toEqual(['a', 'rec']);
    expect(written).toEqual({ status: 418, headers: ['content-type', 'text/plain'], body: Buffer.from('short and stout') });
    expect(ctx.status).toBe(418);
  });

  it('answers a failure with the catalogue error body', () => {
    const ran: string[] = [];
    const { ctx, written } = contextWith([step('a', fail('upstream_timeout'), ran), step('rec', CONTINUE, ran, true)]);
    runChain(ctx);
    expect(written.status).toBe(504);
    expect(JSON.parse(written.body!.toString())).toEqual({ error: 'upstream_timeout', message: 'The upstream service did not answer in time' });
    expect(written.headers).toContain('content-length');
    expect(ran).toEqual(['a', 'rec']);
  });

  it('stops at a pending step and carries on from it when resumed', () => {
    const ran: string[] = [];
    const { ctx, written } = contextWith([step('wait', PENDING, ran), step('after', CONTINUE, ran), step('rec', CONTINUE, ran, true)]);
    runChain(ctx);
    expect(ran).toEqual(['wait']);
    resumeChain(ctx, CONTINUE);
    expect(ran).toEqual(['wait', 'after', 'rec']);
    expect(written.status).toBeUndefined();
  });

  it('answers a failure a pending step resumes with, then runs only the always steps', () => {
    const ran: string[] = [];
    const { ctx, written } = contextWith([step('wait', PENDING, ran), step('after', CONTINUE, ran), step('rec', CONTINUE, ran, true)]);
    runChain(ctx);
    resumeChain(ctx, fail('upstream_unreachable'));
    expect(written.status).toBe(502);
    expect(ran).toEqual(['wait', 'rec']);
  });

  it('answers a bug in a step after a pending one with a generic 500, instead of throwing into the promise that resumed it', () => {
    const ran: string[] = [];
    const broken: Step = {
      name: 'broken',
      always: false,
      enabledFor: () => true,
      handle: () => {
        throw new Error('a bug');
      },
    };
    const { ctx, written } = contextWith([step('wait', PENDING, ran), broken, step('rec', CONTINUE, ran, true)]);
    runChain(ctx);
    expect(() => resumeChain(ctx, CONTINUE)).not.toThrow();
    expect(written.status).toBe(500);
    expect(JSON.parse(written.body!.toString())).toMatchObject({ error: 'internal' });
  });

  it('says nothing more once the client is gone, and records 499', () => {
    const ran: string[] = [];
    const { ctx, written } = contextWith([step('a', fail('upstream_unreachable'), ran), step('rec', CONTINUE, ran, true)]);
    (ctx.res as { destroyed: boolean }).destroyed = true;
    runChain(ctx);
    expect(written.status).toBeUndefined();
    expect(ctx.status).toBe(499);
    expect(ran).toEqual(['a', 'rec']);
  });
});
