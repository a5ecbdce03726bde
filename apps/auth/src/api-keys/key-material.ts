import type { KeyRefRequest } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { sha256Hex } from '@portcullis/http';
import { randomBytes } from 'node:crypto';

/** 256 random bits, base64url: shown once, stored only as its SHA-256. */
export function newKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 hex (Tyk's `key_hash`). A fast hash is right for generated keys (256 random bits) and for
 * chosen ones of at least 16 characters; basic-auth usernames are not secrets (the password is, and
 * that gets a slow hash).
 */
export function hashKey(key: string): string {
  return sha256Hex(key);
}

/** Printable ASCII without spaces: a key travels in headers, query strings and cookies. */
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;
export const MIN_CHOSEN_KEY_LENGTH = 16;
const MAX_KEY_LENGTH = 256;

/**
 * A key the caller chose (Tyk's `POST /tyk/keys/{key}`). A basic-auth key is the username, which
 * need not be long: only its password is secret, and such a key is never accepted as a bearer key.
 */
export function checkChosenKey(key: unknown, basicAuth: boolean): string {
  const min = basicAuth ? 1 : MIN_CHOSEN_KEY_LENGTH;
  if (typeof key !== 'string' || key.length < min || key.length > MAX_KEY_LENGTH || !KEY_CHARACTERS.test(key)) {
    throw new PortcullisError('validation_failed', undefined, [
      { field: 'key', message: `must be ${min}-${MAX_KEY_LENGTH} printable characters without spaces` },
    ]);
  }
  return key;
}

/** The hash a request refers to: the key itself, or (Tyk's `hashed=true`) its hash (its schema checked it is one). */
export function keyHashOf(request: KeyRefRequest): string {
  return request.hashed ? request.key.toLowerCase() : hashKey(request.key);
}
