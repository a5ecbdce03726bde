import { describe, expect, it } from 'vitest';
import { KeyEncryption } from './key-encryption.js';

const secret = 'a-secret-of-at-least-thirty-two-characters';

describe('KeyEncryption', () => {
  const sealer = new KeyEncryption(secret, 'portcullis/signing-keys/v1');
  const plaintext = Buffer.from('private key bytes');

  it('opens what it sealed, and the sealed text does not contain the plaintext', () => {
    const sealed = sealer.seal(plaintext, 'kid-1');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain(plaintext.toString('base64url'));
    expect(sealer.open(sealed, 'kid-1')).toEqual(plaintext);
  });

  it('seals the same plaintext differently each time (fresh IV)', () => {
    expect(sealer.seal(plaintext, 'kid-1')).not.toBe(sealer.seal(plaintext, 'kid-1'));
  });

  it('refuses another key id, another secret, another HKDF info and an altered ciphertext', () => {
    const sealed = sealer.seal(plaintext, 'kid-1');
    // AES-GCM's authentication fails for each (Node's message for a tag that does not verify).
    const unauthentic = /unable to authenticate data/;
    expect(() => sealer.open(sealed, 'kid-2')).toThrow(unauthentic);
    expect(() => new KeyEncryption(secret + 'x', 'portcullis/signing-keys/v1').open(sealed, 'kid-1')).toThrow(unauthentic);
    expect(() => new KeyEncryption(secret, 'portcullis/signing-keys/v1/from-admin-secret').open(sealed, 'kid-1')).toThrow(unauthentic);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() => sealer.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'kid-1')).toThrow(unauthentic);
    expect(() => sealer.open('v2.a.b.c', 'kid-1')).toThrow('unrecognised sealed key format');
  });
});
