import { describe, expect, it } from 'vitest';
import { hashPassword, scryptCost, verifyPasswordHash } from './password-hash.js';

describe('password hashing', () => {
  it('encodes scrypt$N$r$p$salt$hash with the production cost and a 16-byte salt', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, hash] = encoded.split('$');
    expect([scheme, Number(N), Number(r), Number(p)]).toEqual(['scrypt', scryptCost.N, scryptCost.r, scryptCost.p]);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64url')).toHaveLength(32);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await hashPassword('s3cret-pass');
    expect(await verifyPasswordHash('s3cret-pass', encoded)).toBe(true);
    expect(await verifyPasswordHash('s3cret-pasS', encoded)).toBe(false);
    expect(await verifyPasswordHash('', encoded)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const cheap = { N: 1024, r: 8, p: 1 };
    expect(await hashPassword('same', cheap)).not.toBe(await hashPassword('same', cheap));
  });

  it('verifies hashes made with another cost (the cost travels with the hash)', async () => {
    const encoded = await hashPassword('older', { N: 1024, r: 8, p: 1 });
    expect(encoded.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPasswordHash('older', encoded)).toBe(true);
  });

  it('treats the same text in another Unicode normalisation as the same password', async () => {
    const encoded = await hashPassword('caf\u00e9', { N: 1024, r: 8, p: 1 });
    expect(await verifyPasswordHash('cafe\u0301', encoded)).toBe(true);
  });

  it('matches nothing against a malformed or absurd stored hash', async () => {
    const good = await hashPassword('x', { N: 1024, r: 8, p: 1 });
    const [, , , , salt, hash] = good.split('$');
    for (const bad of [
      '',
      'plain',
      `bcrypt$1024$8$1$${salt}$${hash}`,
      `scrypt$1000$8$1$${salt}$${hash}`,
      `scrypt$${2 ** 30}$8$1$${salt}$${hash}`,
      `scrypt$1024$8$1$${salt}$`,
      `scrypt$1024$8$1$$${hash}`,
    ]) {
      expect(await verifyPasswordHash('x', bad)).toBe(false);
    }
  });
});
