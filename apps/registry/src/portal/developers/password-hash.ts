import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Developers' passwords: scrypt, encoded `scrypt$N$r$p$salt$hash` (base64url), the same encoding as
 * the auth service's users (apps/auth/src/users/password-hash.ts; services share no code but libs),
 * so the cost can be raised later without invalidating stored hashes.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on stored parameters: a corrupted row must not make one check take minutes or gigabytes. */
const LIMITS = { N: 2 ** 20, r: 32, p: 16 } as const;

type Cost = { N: number; r: number; p: number };

function derive(password: string, salt: Buffer, cost: Cost, length: number): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default maxmem (32 MiB) refuses exactly N=2^15, r=8.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, COST, KEY_BYTES);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

function parse(encoded: string): { cost: Cost; salt: Buffer; hash: Buffer } | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[1-9][0-9]{0,9}$/.test(part!) ? Number(part) : NaN)) as [number, number, number];
  if (!(N > 1 && N <= LIMITS.N && (N & (N - 1)) === 0 && r >= 1 && r <= LIMITS.r && p >= 1 && p <= LIMITS.p)) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const hash = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { cost: { N, r, p }, salt, hash };
}

/** True when `password` matches `encoded`, compared in constant time; a malformed stored hash matches nothing. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.cost, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time of one real check on a password no account has, so a login for an unknown email
 * takes as long as one with a wrong password and the answer time does not tell which emails exist.
 */
export async function spendVerification(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('base64url'));
  await verifyPassword(password, await decoy);
}
