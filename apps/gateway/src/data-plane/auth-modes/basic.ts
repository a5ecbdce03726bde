import { hasNul } from '@portcullis/http';
import { createHash } from 'node:crypto';
import type { SessionEntry } from '../credentials/sessions.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type StepResult } from '../step.js';
import type { AuthModeModule } from './auth-mode.js';
import { compileLocation, headerValue } from './credential-location.js';
import { pendingUntil } from './pending.js';

const MAX_CREDENTIALS_LENGTH = 2048;

/** `Basic <base64(user:password)>` (RFC 7617), or null when the header is not that. */
export function parseBasic(value: string): { username: string; password: string } | null {
  if (value.length < 7 || value.length > MAX_CREDENTIALS_LENGTH || value.slice(0, 6).toLowerCase() !== 'basic ') return null;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // No user name or password holds a NUL: refused here, never asked of the auth service's database.
  if (colon <= 0 || hasNul(decoded)) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Basic auth (`use_basic_auth`): the auth service checks the password against its slow hash; a
 * verified pair is then remembered for a short while under the SHA-256 of `username:password`
 * (never the password itself), so the hot path does not hash slowly on every request.
 */
export const basicMode: AuthModeModule = {
  mode: 'basic',
  scheme: 'Basic',
  compile(api, deps, answers) {
    const header = compileLocation(api, 'basic').header;
    const credentials = deps.credentials;
    const sessions = credentials.sessions;
    const decide = (ctx: RequestContext, entry: SessionEntry): StepResult => {
      if (!entry.found) return answers.invalid;
      ctx.identity = sessions.identityOf(entry, 'basic');
      return CONTINUE;
    };
    return (ctx) => {
      const value = headerValue(ctx, header);
      if (value === null) return answers.missing;
      const pair = parseBasic(value);
      if (pair === null) return answers.invalid;
      const cacheKey = createHash('sha256').update(`${pair.username}:${pair.password}`).digest('base64');
      const entry = sessions.cached('basic', cacheKey);
      if (entry !== undefined) return decide(ctx, entry);
      const lookup = sessions.fetch(cacheKey, { kind: 'basic', id: pair.username, password: pair.password }, credentials.timings.basicTtlMs);
      return pendingUntil(
        ctx,
        lookup.then((fetched) => decide(ctx, fetched)),
      );
    };
  },
};
