import type { ApiDefinition } from '@portcullis/domain';
import type { Credentials } from '../credentials/credentials.js';
import type { AuthMode } from '../identity.js';
import type { RequestContext } from '../request-context.js';
import type { RespondResult, StepResult } from '../step.js';
import { fireRequestEvent } from '../events/api-events.js';

/**
 * For analytics, whether the answer came at once or after a lookup or a body read: the bare
 * challenge means nothing was presented, any other 401 a refused credential.
 */
export function noteRefusal(ctx: RequestContext, result: StepResult): void {
  if (result.kind === 'respond' && result.status === 401) {
    ctx.refusal = ctx.api?.authentication?.challenges.has(result) === true ? 'missing' : 'invalid';
    fireRequestEvent(ctx, 'AuthFailure');
  }
}

/** The 401s of one API, prepared at load: the same body for a missing and a wrong credential. */
export interface AuthAnswers {
  /** No credential presented: the bare challenge (RFC 6750 §3.1: no error code then). */
  readonly missing: RespondResult;
  /** A credential presented and refused: the challenge, with `error="invalid_token"` for bearer modes. */
  readonly invalid: RespondResult;
}

export interface AuthModeDeps {
  readonly credentials: Credentials;
  /** Milliseconds since the epoch; injected so tests can move time. */
  readonly clock: () => number;
  /** The most bytes of a request body a mode may read whole to check a signature over it (OAuth 1.0a forms). */
  readonly signedBodyLimit: number;
}

/**
 * One mode's check for one API, compiled at load. It sets `ctx.identity` and answers CONTINUE, or
 * answers a 401/503 itself, or answers PENDING and resumes the chain when a lookup settles.
 */
export type AuthCheck = (ctx: RequestContext) => StepResult;

/** Compiles a mode's check from an API definition (STYLE habit 8: one per mode, dispatched by Map). */
export type AuthModeCompiler = (api: ApiDefinition, deps: AuthModeDeps, answers: AuthAnswers) => AuthCheck;

/** The WWW-Authenticate scheme a mode challenges with (RFC 9110 §11.6.1). */
export type ChallengeScheme = 'Bearer' | 'Basic' | 'Signature' | 'OAuth';

export interface AuthModeModule {
  readonly mode: AuthMode;
  readonly scheme: ChallengeScheme;
  readonly compile: AuthModeCompiler;
}
