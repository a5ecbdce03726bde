import { createHmac, timingSafeEqual } from 'node:crypto';
import type { hmacAlgorithms } from '@portcullis/domain';
import type { SessionEntry } from '../credentials/sessions.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type StepResult } from '../step.js';
import type { AuthModeModule } from './auth-mode.js';
import { compileLocation, headerValue } from './credential-location.js';
import { pendingUntil } from './pending.js';
import { parseAuthParams } from './signature-params.js';

type HmacAlgorithm = (typeof hmacAlgorithms)[number];
const digests: Record<HmacAlgorithm, string> = { 'hmac-sha1': 'sha1', 'hmac-sha256': 'sha256', 'hmac-sha384': 'sha384', 'hmac-sha512': 'sha512' };
const DEFAULT_ALGORITHMS: readonly HmacAlgorithm[] = ['hmac-sha256', 'hmac-sha384', 'hmac-sha512'];
const DEFAULT_SKEW_MS = 300_000;
const MAX_HEADER_LENGTH = 4096;

export interface SignedRequest {
  readonly keyId: string;
  readonly algorithm: HmacAlgorithm;
  readonly headers: readonly string[];
  readonly signature: Buffer;
}

/** `Signature keyId="..",algorithm="..",headers="..",signature=".."`, or null when malformed. */
export function parseSignature(value: string, allowed: ReadonlySet<string>): SignedRequest | null {
  if (value.length > MAX_HEADER_LENGTH || value.slice(0, 10).toLowerCase() !== 'signature ') return null;
  const params = parseAuthParams(value.slice(10));
  if (params === null) return null;
  const keyId = params.get('keyId');
  const algorithm = params.get('algorithm') as HmacAlgorithm | undefined;
  let signature = params.get('signature');
  if (!keyId || !algorithm || !signature || !allowed.has(algorithm)) return null;
  // Tyk URL-encodes the base64 signature; accept it either way.
  if (signature.includes('%')) {
    try {
      signature = decodeURIComponent(signature);
    } catch {
      return null;
    }
  }
  const headers = (params.get('headers') ?? 'date')
    .toLowerCase()
    .split(' ')
    .filter((h) => h !== '');
  return { keyId, algorithm, headers, signature: Buffer.from(signature, 'base64') };
}

/** The signing string (draft-cavage §2.3): one `name: value` line per signed header. */
export function signingString(ctx: RequestContext, headers: readonly string[]): string | null {
  const lines: string[] = [];
  for (const name of headers) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${ctx.req.method!.toLowerCase()} ${ctx.path}${ctx.query}`);
      continue;
    }
    const value = headerValue(ctx, name);
    if (value === null) return null;
    lines.push(`${name}: ${value.trim()}`);
  }
  return lines.join('\n');
}

/**
 * HMAC request signatures (`enable_signature_checking`), draft-cavage as Tyk accepts them. The
 * `Date` (or Tyk's `X-Aux-Date`) must be signed and within `hmac_allowed_clock_skew` of our clock,
 * so a captured request cannot be replayed later; the shared secret comes from the auth service
 * with the key's session; the comparison is constant-time.
 */
export const hmacMode: AuthModeModule = {
  mode: 'hmac',
  scheme: 'Signature',
  compile(api, deps, answers) {
    const header = compileLocation(api, 'hmac').header;
    const allowed = new Set<string>(api.hmac_allowed_algorithms ?? DEFAULT_ALGORITHMS);
    const skewMs = api.hmac_allowed_clock_skew ?? DEFAULT_SKEW_MS;
    const sessions = deps.credentials.sessions;
    const clock = deps.clock;
    const decide = (ctx: RequestContext, signed: SignedRequest, text: string, entry: SessionEntry): StepResult => {
      const secret = entry.found ? hmacSecretOf(entry) : undefined;
      if (secret === undefined) return answers.invalid;
      const expected = createHmac(digests[signed.algorithm], secret).update(text).digest();
      if (expected.length !== signed.signature.length || !timingSafeEqual(expected, signed.signature)) return answers.invalid;
      ctx.identity = sessions.identityOf(entry, 'hmac');
      return CONTINUE;
    };
    return (ctx) => {
      const value = headerValue(ctx, header);
      if (value === null) return answers.missing;
      const signed = parseSignature(value, allowed);
      if (signed === null) return answers.invalid;
      if (skewMs > 0 && !dateWithinSkew(ctx, signed, clock(), skewMs)) return answers.invalid;
      const text = signingString(ctx, signed.headers);
      if (text === null) return answers.invalid;
      const cacheKey = signed.keyId;
      const entry = sessions.cached('hmac', cacheKey);
      if (entry !== undefined) return decide(ctx, signed, text, entry);
      return pendingUntil(
        ctx,
        sessions.fetch(cacheKey, { kind: 'hmac', id: signed.keyId }).then((fetched) => decide(ctx, signed, text, fetched)),
      );
    };
  },
};

function dateWithinSkew(ctx: RequestContext, signed: SignedRequest, now: number, skewMs: number): boolean {
  const name = signed.headers.includes('x-aux-date') ? 'x-aux-date' : signed.headers.includes('date') ? 'date' : null;
  if (name === null) return false;
  const value = headerValue(ctx, name);
  const at = value === null ? NaN : Date.parse(value);
  return Number.isFinite(at) && Math.abs(now - at) <= skewMs;
}

/** The shared secret as the auth service names it (`hmac`). */
function hmacSecretOf(entry: SessionEntry): string | undefined {
  return entry.secrets.hmac;
}
