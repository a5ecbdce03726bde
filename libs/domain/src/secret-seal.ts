import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Seals secrets that must be recovered (signing keys, certificates' private keys) with AES-256-GCM.
 * The key comes from HKDF-SHA256 over the configured secret with a purpose-specific info string; the
 * owner's id is the associated data, so a ciphertext moved onto another row does not decrypt.
 */
export class SecretSeal {
  private readonly key: Buffer;

  constructor(secret: string, info: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'portcullis', info, 32));
  }

  seal(plaintext: Buffer, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** Throws when the secret is not the one that sealed it, or the sealed text was altered. */
  open(sealed: string, associatedData: string): Buffer {
    const [version, iv, tag, ciphertext, extra] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined || extra !== undefined) throw new Error('unrecognised sealed key format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  }
}
