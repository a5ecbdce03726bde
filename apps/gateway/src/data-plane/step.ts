import type { ApiDefinition } from '@portcullis/domain';
import type { ErrorCode } from '@portcullis/errors';
import type { RequestContext } from './request-context.js';

/**
 * What a step decides. A discriminated union from the start (STYLE habit 4): a step either lets the
 * request go on, answers it itself, fails it with a catalogue code, or has taken the request over and
 * will hand the outcome back later through `resumeChain` (the proxy, waiting for the upstream).
 */
export type StepResult = ContinueResult | RespondResult | FailResult | PendingResult;

export interface ContinueResult {
  readonly kind: 'continue';
}

export interface RespondResult {
  readonly kind: 'respond';
  readonly status: number;
  /** Flat [name, value, name, value, ...], as `ServerResponse.writeHead` takes it. */
  readonly headers: readonly string[];
  readonly body: Buffer;
}

export interface FailResult {
  readonly kind: 'fail';
  readonly code: ErrorCode;
}

export interface PendingResult {
  readonly kind: 'pending';
}

/**
 * One stage of the per-API chain. Steps are stateless singletons: what an API needs from a step is
 * compiled into its `CompiledApi` at load, so `handle` only looks things up.
 */
export interface Step {
  readonly name: string;
  /** Decided once per API at load: a step an API does not use is left out of its chain. */
  enabledFor(api: ApiDefinition): boolean;
  /** Runs even when an earlier step answered (recording must see failures too). Such steps come last. */
  readonly always: boolean;
  handle(ctx: RequestContext): StepResult;
}

// Results without data are shared: the hot path allocates none of them.
export const CONTINUE: ContinueResult = Object.freeze({ kind: 'continue' });
export const PENDING: PendingResult = Object.freeze({ kind: 'pending' });

const failures = new Map<ErrorCode, FailResult>();

/** The (shared, frozen) failure result for a code. */
export function fail(code: ErrorCode): FailResult {
  let result = failures.get(code);
  if (result === undefined) {
    result = Object.freeze({ kind: 'fail', code });
    failures.set(code, result);
  }
  return result;
}

export function respond(status: number, headers: readonly string[], body: Buffer): RespondResult {
  return Object.freeze({ kind: 'respond', status, headers, body });
}
