import { OPAQUE_ACCESS_TOKEN_PREFIX } from '@portcullis/contracts';
import { randomBytes } from 'node:crypto';

/** 256 bits: the whole credential (its shape is the gateways' too: libs/contracts). Only its SHA-256 is stored. */
const RANDOM_BYTES = 32;

export function newOpaqueToken(): string {
  // randomBytes, not the jti pool: this value is the credential itself.
  return OPAQUE_ACCESS_TOKEN_PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
}
