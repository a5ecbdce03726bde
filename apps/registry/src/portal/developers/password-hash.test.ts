import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.js';

describe('developer password hashes', () => {
  it('verifies the password it hashed and nothing else, salted each time', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
  });

  it('matches nothing against a malformed or absurdly costly stored hash', async () => {
    const hash = await hashPassword('correct horse battery');
    const [, , r, p, salt, key] = hash.split('$');
    for (const broken of ['', 'bcrypt$x', `scrypt$3$${r}$${p}$${salt}$${key}`, `scrypt$${2 ** 21}$${r}$${p}$${salt}$${key}`, `scrypt$32768$${r}$${p}$${salt}$`]) {
      expect(await verifyPassword('correct horse battery', broken), broken).toBe(false);
    }
  });
});
