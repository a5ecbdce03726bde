import type { RequestContext } from '../request-context.js';
import type { SessionEntry } from '../credentials/sessions.js';
import { CONTINUE, type StepResult } from '../step.js';
import type { AuthModeModule } from './auth-mode.js';
import { compileLocation, readToken } from './credential-location.js';
import { pendingUntil } from './pending.js';

const MAX_KEY_LENGTH = 1024;

/**
 * Auth tokens (API keys), Tyk's default mode: the key from the configured header (with or without
 * `Bearer `), query parameter or cookie, resolved to its session by the auth service and cached.
 */
export const keyMode: AuthModeModule = {
  mode: 'key',
  scheme: 'Bearer',
  compile(api, deps, answers) {
    const location = compileLocation(api, 'authToken');
    const sessions = deps.credentials.sessions;
    const decide = (ctx: RequestContext, entry: SessionEntry): StepResult => {
      if (!entry.found) return answers.invalid;
      ctx.identity = sessions.identityOf(entry, 'key');
      return CONTINUE;
    };
    return (ctx) => {
      const key = readToken(ctx, location);
      if (key === null) return answers.missing;
      if (key.length > MAX_KEY_LENGTH) return answers.invalid;
      const entry = sessions.cached('key', key);
      if (entry !== undefined) return decide(ctx, entry);
      return pendingUntil(
        ctx,
        sessions.fetch(key, { kind: 'key', id: key }).then((fetched) => decide(ctx, fetched)),
      );
    };
  },
};
