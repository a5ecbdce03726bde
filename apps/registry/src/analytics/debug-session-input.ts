import { z } from '@portcullis/config';
import type { ErrorDetail } from '@portcullis/errors';
import { sha256Hex } from '@portcullis/http';

/** The longest debug session: request logs of one caller are for debugging, not a way to log everyone for good. */
export const MAX_DEBUG_SESSION_SECONDS = 3_600;

/** Whom a debug session logs, as the gateway knows the caller: an identity hash, or an OAuth client. */
export type DebugTarget = { identity: string } | { oauth_client_id: string };

export interface DebugSessionInput {
  target: DebugTarget;
  durationSeconds: number;
}

/** Printable ASCII without spaces, at most 256 characters: the keys the auth service issues or accepts. */
const keyFormat = /^[\x21-\x7e]{1,256}$/;

const inputSchema = z.strictObject({
  key: z.string().regex(keyFormat, 'must be an API key: 1-256 printable characters without spaces').optional(),
  identity: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be an identity as the usage API reports it: a SHA-256 hash, 64 hexadecimal characters')
    .optional(),
  oauth_client_id: z.string().regex(keyFormat, 'must be an OAuth client id: 1-256 printable characters without spaces').optional(),
  duration_seconds: z
    .number({ message: 'is required: a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1')
    .max(MAX_DEBUG_SESSION_SECONDS, `must be at most ${MAX_DEBUG_SESSION_SECONDS} (an hour)`),
});

export type DebugSessionInputResult = { ok: true; value: DebugSessionInput } | { ok: false; errors: ErrorDetail[] };

/**
 * Checks a request to start a debug session, collecting every problem: exactly one caller (`key`,
 * `identity` or `oauth_client_id`) and a duration of 1 second to an hour. A key is hashed here, as
 * the gateway hashes it (its identity is the key's SHA-256), and is never stored or echoed.
 */
export function parseDebugSessionInput(body: unknown): DebugSessionInputResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [{ field: 'body', message: 'must be a JSON object' }] };
  }
  const errors: ErrorDetail[] = [];
  const parsed = inputSchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) errors.push({ field: key, message: 'is not a known field' });
      else errors.push({ field: issue.path.length > 0 ? issue.path.join('.') : 'body', message: issue.message });
    }
  }
  const raw = body as Record<string, unknown>;
  const named = (['key', 'identity', 'oauth_client_id'] as const).filter((field) => raw[field] !== undefined);
  if (named.length !== 1) errors.push({ field: 'key', message: 'give exactly one of key, identity and oauth_client_id' });
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  const input = parsed.data;
  const target: DebugTarget =
    input.key !== undefined
      ? { identity: sha256Hex(input.key) }
      : input.identity !== undefined
        ? { identity: input.identity.toLowerCase() }
        : { oauth_client_id: input.oauth_client_id! };
  return { ok: true, value: { target, durationSeconds: input.duration_seconds } };
}
