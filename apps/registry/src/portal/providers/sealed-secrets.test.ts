import { describe, expect, it } from 'vitest';
import { SecretSealer } from './sealed-secrets.js';

describe('SecretSealer', () => {
  const sealer = new SecretSealer({ adminSecret: 'an-admin-secret-of-some-length' });

  it('opens what it sealed for the same row, and never shows the plaintext', () => {
    const sealed = sealer.seal('registration-access-token', 'app-1');
    expect(sealed).not.toContain('registration-access-token');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealer.open(sealed, 'app-1')).toBe('registration-access-token');
    // A fresh IV each time: equal tokens do not look equal at rest.
    expect(sealer.seal('registration-access-token', 'app-1')).not.toBe(sealed);
  });

  it('refuses another row, another secret and altered text', () => {
    const sealed = sealer.seal('token', 'app-1');
    // AES-GCM's authentication fails for each (Node's message for a tag that does not verify).
    const unauthentic = /unable to authenticate data/;
    expect(() => sealer.open(sealed, 'app-2')).toThrow(unauthentic);
    expect(() => new SecretSealer({ adminSecret: 'another-admin-secret-entirely' }).open(sealed, 'app-1')).toThrow(unauthentic);
    const [version, iv, tag, ciphertext] = sealed.split('.');
    const flipped = Buffer.from(ciphertext!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => sealer.open([version, iv, tag, flipped.toString('base64url')].join('.'), 'app-1')).toThrow(unauthentic);
    expect(() => sealer.open('v2.a.b.c', 'app-1')).toThrow(/unrecognised/);
  });

  it('refuses a tag cut short: GCM verifies a truncated tag too, and a 4-byte one is far easier to forge', () => {
    const [version, iv, tag, ciphertext] = sealer.seal('token', 'app-1').split('.');
    for (const bytes of [4, 8, 12, 15]) {
      const short = Buffer.from(tag!, 'base64url').subarray(0, bytes).toString('base64url');
      expect(() => sealer.open([version, iv, short, ciphertext].join('.'), 'app-1'), `${bytes}-byte tag`).toThrow(/Invalid authentication tag length/);
    }
  });
});
