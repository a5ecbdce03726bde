import { sha256Hex } from '@portcullis/http';
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: initial and registration access tokens. Shown once, stored as SHA-256. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

const decoy = hashToken('portcullis: no such registration');

/** Constant-time check of a presented token against a stored hash; with none stored it still compares, and fails. */
export function tokenMatches(presented: string, storedHash: string | undefined): boolean {
  const a = Buffer.from(hashToken(presented), 'hex');
  const b = Buffer.from(storedHash ?? decoy, 'hex');
  return a.length === b.length && timingSafeEqual(a, b) && storedHash !== undefined;
}

/** RFC 6750 §2.1: `Authorization: Bearer <token>`; anything else is no token. */
export function bearerToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}
