import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../config.js';
import { KeyEncryption } from '../keys/key-encryption.js';

/**
 * Seals the secrets that signatures are checked with (HMAC keys, OAuth 1.0a consumer and token
 * secrets): unlike passwords they must be recovered, so they are encrypted, not hashed. Same scheme
 * and secret as the signing keys, with its own HKDF info so the two never share an AES key. The
 * binding (e.g. `hmac:<key_hash>`) is the associated data: a ciphertext copied to another row fails.
 */
@Injectable()
export class CredentialSealer {
  private readonly encryption: KeyEncryption;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.encryption = new KeyEncryption(config.keys.encryptionSecret, `${config.keys.encryptionInfo}/credentials`);
  }

  seal(secret: string, binding: string): string {
    return this.encryption.seal(Buffer.from(secret, 'utf8'), binding);
  }

  /** Throws when the configured secret changed or the row was tampered with. */
  open(sealed: string, binding: string): string {
    return this.encryption.open(sealed, binding).toString('utf8');
  }
}
