import { PortcullisError } from '@portcullis/errors';
import { resumeChain } from '../chain.js';
import type { RequestContext } from '../request-context.js';
import { PENDING, type StepResult } from '../step.js';
import type { CompiledOAuth } from './compiled-oauth.js';
import { authServiceFailed, authServiceUnavailable, fromHttpReply, methodNotAllowed, tokenBodyTooLarge, tokenBodyUnreadable } from './oauth-responses.js';
import { readBody } from './read-body.js';

/** Token requests are a handful of short parameters; anything near this is not one. */
export const TOKEN_BODY_LIMIT = 64 * 1024;

const postOnly = methodNotAllowed('POST');

/**
 * `{listen_path}/oauth/token/`: the body is read whole and handed to the auth service with the API's
 * context (`auth.oauth.token`); its HTTP answer is written out as it is. The gateway decides nothing
 * about the token request itself, so both endpoints always answer alike.
 */
export function tokenExchange(ctx: RequestContext, oauth: CompiledOAuth): StepResult {
  if (ctx.req.method !== 'POST') return postOnly;
  // The request waits (PENDING) and resumeChain answers it; resumeChain logs and answers 500 on a throw.
  void exchange(ctx, oauth).then(
    (result) => resumeChain(ctx, result),
    () => resumeChain(ctx, authServiceFailed),
  );
  return PENDING;
}

async function exchange(ctx: RequestContext, oauth: CompiledOAuth): Promise<StepResult> {
  const read = await readBody(ctx.req, TOKEN_BODY_LIMIT);
  if (read.kind === 'too-large') return tokenBodyTooLarge;
  if (read.kind === 'failed') return tokenBodyUnreadable;
  const headers = ctx.req.headers;
  try {
    const reply = await oauth.bridge.token({
      ...oauth.tokenRequest,
      authorization: headers.authorization,
      content_type: headers['content-type'],
      body: read.body.toString('utf8'),
    });
    return fromHttpReply(reply);
  } catch (error) {
    return error instanceof PortcullisError && error.code === 'service_unavailable' ? authServiceUnavailable : authServiceFailed;
  }
}
