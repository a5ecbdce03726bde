import { Injectable } from '@nestjs/common';
import { OAUTH1_TIMESTAMP_WINDOW_SECONDS, type OAuth1NonceClaimReply } from '@portcullis/contracts';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { OAuth1NonceStore, type OAuth1NonceClaim } from '../storage/oauth1-store.js';

/** Long enough for any real consumer key, token or nonce; a row costs what its columns hold. */
const MAX_FIELD_LENGTH = 256;

/**
 * OAuth 1.0a nonces for the whole fleet (RFC 5849 §3.3): a gateway claims a correctly signed
 * request's nonce here, and only the first claim of a consumer, token, timestamp and nonce is fresh,
 * whichever gateway makes it. The primary key decides, so two gateways racing with one captured
 * request cannot both win. A nonce is kept while its timestamp is inside the window.
 */
@Injectable()
export class OAuth1Nonces {
  constructor(private readonly store: OAuth1NonceStore) {}

  async claim(request: unknown, now = Date.now()): Promise<OAuth1NonceClaimReply> {
    const claim = validClaim(request);
    // Outside the window the gateways refuse the request anyway; nothing to keep for it.
    if (Math.abs(now / 1000 - claim.timestamp) > OAUTH1_TIMESTAMP_WINDOW_SECONDS) return { fresh: false };
    return { fresh: await this.store.claim(claim, OAUTH1_TIMESTAMP_WINDOW_SECONDS, now) };
  }
}

function validClaim(request: unknown): OAuth1NonceClaim {
  const input = (request !== null && typeof request === 'object' && !Array.isArray(request) ? request : {}) as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  const text = (field: string, mayBeEmpty: boolean): string => {
    const value = input[field];
    if (typeof value !== 'string' || (!mayBeEmpty && value === '')) problems.push({ field, message: mayBeEmpty ? 'must be a string' : 'is required' });
    else if (value.length > MAX_FIELD_LENGTH) problems.push({ field, message: `must be at most ${MAX_FIELD_LENGTH} characters` });
    else return value;
    return '';
  };
  const claim = { consumer_key: text('consumer_key', false), token: text('token', true), nonce: text('nonce', false), timestamp: 0 };
  if (!Number.isSafeInteger(input.timestamp) || (input.timestamp as number) < 0)
    problems.push({ field: 'timestamp', message: 'must be a non-negative integer (seconds)' });
  else claim.timestamp = input.timestamp as number;
  if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  return claim;
}
