import { randomBytes } from 'node:crypto';

/** A new API id when the caller gives none: 32 hex characters, as Tyk generates them. */
export function newApiId(): string {
  return randomBytes(16).toString('hex');
}
