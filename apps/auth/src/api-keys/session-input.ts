import { validateSession, type Session } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import type { ApiKeyKind } from '../storage/api-key.entity.js';

/** What a submitted session becomes: the session to store (no secrets) and the secrets taken out of it. */
export interface PreparedSession {
  session: Session;
  /** basic: a new password to hash; undefined keeps the stored one (an update that echoes a GET). */
  password: string | undefined;
  kind: Exclude<ApiKeyKind, 'oauth1'>;
}

/** How a basic-auth key's session is shown: Tyk's `hash_type`, never the password or its hash. */
const SHOWN_BASIC_AUTH = { hash_type: 'scrypt' } as const;
const MAX_KEY_EXPIRES_IN = 10 * 365 * 24 * 3600;

/**
 * Validates a submitted session (every error at once) and takes its secrets out: the password goes
 * to the slow hash, a submitted `hmac_string` is dropped (HMAC secrets are always generated). With
 * `hasPassword`, a `basic_auth_data` without a password (what GET shows) keeps the stored one.
 */
export function prepareSession(input: unknown, hasPassword: boolean): PreparedSession {
  let candidate = input;
  let keepsPassword = false;
  if (candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate)) {
    const { hmac_string: _generatedOnly, ...rest } = candidate as Record<string, unknown>;
    const basic = rest.basic_auth_data;
    if (hasPassword && (basic === undefined || (basic !== null && typeof basic === 'object' && !('password' in basic)))) {
      delete rest.basic_auth_data;
      keepsPassword = true;
    }
    candidate = rest;
  }
  const result = validateSession(candidate);
  const problems: ErrorDetail[] = result.ok ? [] : [...result.errors];
  if (result.ok) {
    if ((result.value.basic_auth_data || keepsPassword) && result.value.hmac_enabled) {
      problems.push({ field: 'hmac_enabled', message: 'cannot be set on a basic-auth key: a key is either basic auth or HMAC' });
    }
  }
  if (!result.ok || problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  const { basic_auth_data: basic, ...session } = result.value;
  const password = basic?.password;
  const isBasic = password !== undefined || keepsPassword;
  if (isBasic) {
    const { password: _secret, ...extra } = basic ?? {};
    // The domain type makes `password` required in basic_auth_data (what callers send); stored and shown, it never is.
    const stored = { ...session, basic_auth_data: { ...extra, ...SHOWN_BASIC_AUTH } };
    return { session: stored as unknown as Session, password, kind: 'basic' };
  }
  return { session: session as Session, password: undefined, kind: session.hmac_enabled ? 'hmac' : 'key' };
}

/**
 * Tyk applies a policy's `key_expires_in` to a key created with it that sets no expiry of its own.
 * The auth service does not hold policies, so the caller (the gateway, which does) passes it.
 */
export function withPolicyExpiry(session: Session, keyExpiresIn: unknown, nowSeconds: number): Session {
  if (keyExpiresIn === undefined || keyExpiresIn === null) return session;
  if (typeof keyExpiresIn !== 'number' || !Number.isInteger(keyExpiresIn) || keyExpiresIn < 0 || keyExpiresIn > MAX_KEY_EXPIRES_IN) {
    throw new PortcullisError('validation_failed', undefined, [
      { field: 'key_expires_in', message: `must be an integer from 0 to ${MAX_KEY_EXPIRES_IN} (seconds)` },
    ]);
  }
  if (keyExpiresIn === 0 || session.apply_policies.length === 0 || session.expires > 0) return session;
  return { ...session, expires: nowSeconds + keyExpiresIn };
}

/** `expires` in seconds since the epoch; 0 (or -1) never. */
export function expiryOf(session: Session): Date | null {
  return session.expires > 0 ? new Date(session.expires * 1000) : null;
}
