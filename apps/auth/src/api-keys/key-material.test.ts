import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { checkChosenKey, hashKey, keyHashOf, newKey } from './key-material.js';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PortcullisError) return (error.details ?? []).map((detail) => detail.field);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('key material', () => {
  it('generates 256-bit base64url keys, different every time', () => {
    const key = newKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newKey()).not.toBe(key);
  });

  it('hashes with SHA-256 as hex', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('takes chosen keys of 16 or more printable characters; basic-auth usernames may be shorter', () => {
    expect(checkChosenKey('0123456789abcdef', false)).toBe('0123456789abcdef');
    expect(fieldsOf(() => checkChosenKey('short', false))).toEqual(['key']);
    expect(fieldsOf(() => checkChosenKey('has a space in it, too long', false))).toEqual(['key']);
    expect(fieldsOf(() => checkChosenKey(42, false))).toEqual(['key']);
    expect(checkChosenKey('alice', true)).toBe('alice');
    expect(fieldsOf(() => checkChosenKey('', true))).toEqual(['key']);
  });

  it('resolves a reference by key or, with hashed, by its hash', () => {
    expect(keyHashOf({ key: 'abc' })).toBe(hashKey('abc'));
    expect(keyHashOf({ key: hashKey('abc').toUpperCase(), hashed: true })).toBe(hashKey('abc'));
    // A reference that is no key or no hash is refused by its schema (libs/contracts auth.test.ts).
  });
});
