import { Logger } from '@nestjs/common';
import { errorForLog } from '@portcullis/logging';
import { answerInternalError, preparedError } from './error-responses.js';
import { CLIENT_CLOSED_REQUEST, type RequestContext } from './request-context.js';
import type { StepResult } from './step.js';

/**
 * Runs a request through its chain. Synchronous steps run in a plain loop; a step that answers
 * 'pending' (the proxy) hands its outcome back later through `resumeChain`, so the common path
 * allocates no promise or closure. Once something has answered, only the `always` steps still run.
 */
export function runChain(ctx: RequestContext): void {
  // Read `ctx.chain` each turn: `match` swaps the entry chain for the API's own, which starts with
  // `match` too, so the index stays valid across the swap.
  while (ctx.index < ctx.chain.length) {
    const result = ctx.chain[ctx.index]!.handle(ctx);
    if (result.kind === 'continue') ctx.index++;
    else if (result.kind === 'pending') return;
    else answer(ctx, result);
  }
}

const logger = new Logger('DataPlane');

/**
 * Continues a chain after a pending step settled with `result`. It runs from a promise callback or
 * an event, outside the server's own try: a bug in a later step is answered here as the server
 * answers one, never left to become an unhandled rejection (which stops the process) and a request
 * that hangs.
 */
export function resumeChain(ctx: RequestContext, result: StepResult): void {
  if (result.kind === 'pending') return;
  try {
    if (result.kind === 'continue') ctx.index++;
    else answer(ctx, result);
    runChain(ctx);
  } catch (error) {
    // A bug, not a request problem: a generic 500 outside, the details in the log.
    logger.error(errorForLog(error));
    answerInternalError(ctx.res);
  }
}

/** Writes a step's answer (or the catalogue error it failed with), then skips to the `always` steps. */
function answer(ctx: RequestContext, result: Exclude<StepResult, { kind: 'continue' | 'pending' }>): void {
  const response = result.kind === 'fail' ? preparedError(result.code) : result;
  const res = ctx.res;
  if (res.destroyed || res.headersSent) {
    // The client is gone, or a response is already on its way: nothing more can be said.
    if (!res.headersSent) ctx.status = CLIENT_CLOSED_REQUEST;
    res.destroy();
  } else {
    ctx.status = response.status;
    const extra = ctx.answerHeaders;
    res.writeHead(response.status, (extra === null ? response.headers : [...response.headers, ...extra]) as string[]);
    res.end(response.body);
  }
  const chain = ctx.chain;
  let next = ctx.index + 1;
  while (next < chain.length && !chain[next]!.always) next++;
  ctx.index = next;
}
