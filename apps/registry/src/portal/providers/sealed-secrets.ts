import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';

const VERSION = 'v1';
/** GCM's full tag. Node would also take a truncated one (4 bytes and up), which is far easier to forge. */
const TAG_BYTES = 16;
const INFO = 'portcullis registry: DCR tokens';

/**
 * Seals the tokens the portal must send on later (initial access tokens, RFC 7592 registration access
 * tokens): they cannot be hashed. AES-256-GCM under a key derived by HKDF-SHA256 from the admin
 * secret; the owning row's id is the associated data, so a sealed value copied onto another row
 * does not open.
 */
@Injectable()
export class SecretSealer {
  private readonly key: Buffer;

  constructor(@Inject(REGISTRY_CONFIG) config: Pick<RegistryConfig, 'adminSecret'>) {
    this.key = Buffer.from(hkdfSync('sha256', config.adminSecret, 'portcullis', INFO, 32));
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
  }

  /** Throws when sealed under another secret or for another row, or altered. */
  open(sealed: string, associatedData: string): string {
    const [version, iv, tag, ciphertext, extra] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined || extra !== undefined) throw new Error('unrecognised sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
