/**
 * Every field name that carries a secret somewhere in Portcullis (request bodies, headers, records,
 * bus payloads, configuration). A logged object has the value of any such field, at any depth,
 * replaced by `[redacted]`. Names compare without case, `-` or `_`, so `client_secret`,
 * `clientSecret` and `Client-Secret` are one entry. The one list: add a field here when you add one.
 */
export const SECRET_FIELDS: readonly string[] = [
  // HTTP headers
  'authorization',
  'proxy-authorization',
  'x-tyk-authorization',
  'x-tyk-shared-secret',
  'x-api-key',
  'cookie',
  'set-cookie',
  // passwords and client, consumer, webhook and admin secrets (and their stored forms)
  'password',
  'new_password',
  'current_password',
  'password_hash',
  'secret',
  'secrets',
  'client_secret',
  'consumer_secret',
  'token_secret',
  'oauth_token_secret',
  'shared_secret',
  'admin_secret',
  'secret_hash',
  'secret_encrypted',
  // API definitions: an HMAC key for JWTs, or a PEM/JWKS (public, but not worth telling apart)
  'jwt_source',
  'hmac_secret',
  'hmac_string',
  // API definitions: event_handlers webhooks (credentials in headers, tokens in chat-service URLs)
  'header_map',
  'target_path',
  // tokens, codes and keys
  'token',
  'access_token',
  'refresh_token',
  'old_refresh_token',
  'id_token',
  'oauth_token',
  'new_oauth_token',
  'registration_access_token',
  'registration_token',
  'initial_access_token',
  'token_hash',
  'code',
  'code_verifier',
  'key',
  'api_key',
  'key_hash',
  'private_key',
  'private_key_encrypted',
  'ssl_client_key',
  // the certificate store: sealed, but a sealed key is no business of a log either
  'sealed_key',
  'sealed_upload',
  'signature',
  'oauth_signature',
  'csrf',
  'csrf_token',
  'session',
];

const normalise = (name: string): string => name.replace(/[-_]/g, '').toLowerCase();
const secretNames: ReadonlySet<string> = new Set(SECRET_FIELDS.map(normalise));
export const REDACTED = '[redacted]';

export function isSecretField(name: string): boolean {
  return secretNames.has(normalise(name));
}

/** How deep a logged object is searched; deeper values are replaced whole, never printed unsearched. */
const MAX_DEPTH = 8;

/**
 * `value` with every secret-named field censored, at any depth. Objects without such a field are
 * returned as they are (no copy), so the common log line costs one walk and no allocation.
 */
export function censorSecrets<T>(value: T): T {
  return censor(value, 0, new Set()) as T;
}

function censor(value: unknown, depth: number, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Error || ArrayBuffer.isView(value)) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      value.forEach((item, index) => {
        const censored = censor(item, depth + 1, seen);
        if (censored !== item) (copy ??= [...(value as unknown[])])[index] = censored;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | null = null;
    for (const [name, item] of Object.entries(value)) {
      const censored = isSecretField(name) && item !== undefined && item !== null ? REDACTED : censor(item, depth + 1, seen);
      if (censored !== item) (copy ??= { ...(value as Record<string, unknown>) })[name] = censored;
    }
    return copy ?? value;
  } finally {
    seen.delete(value);
  }
}
