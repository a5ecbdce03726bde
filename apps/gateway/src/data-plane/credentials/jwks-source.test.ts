import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwksSource } from './jwks-source.js';

async function jwk(kid: string) {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid };
}

describe('JwksSource', () => {
  it('joins a fetch in flight: concurrent unknown kids make one request', async () => {
    const k1 = await jwk('k1');
    let fetches = 0;
    let release: () => void = () => undefined;
    const source = new JwksSource(
      () => {
        fetches++;
        return new Promise((resolve) => (release = () => resolve({ keys: [k1] })));
      },
      () => 0,
      { burst: 3, refillMs: 10_000 },
      600_000,
    );
    const waiting = [source.resolve('k1'), source.resolve('k1'), source.resolve('zz')];
    release();
    const [a, b, c] = await Promise.all(waiting);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).toBeUndefined();
    expect(fetches).toBe(1);
  });

  it('fetches at once for a kid rotated in right after a fetch, and bounds a flood of made-up kids to the burst, then one per refill', async () => {
    const k1 = await jwk('k1');
    const k2 = await jwk('k2');
    let keys = [k1];
    let now = 0;
    let fetches = 0;
    const source = new JwksSource(
      async () => {
        fetches++;
        return { keys };
      },
      () => now,
      { burst: 3, refillMs: 10_000 },
      600_000,
    );
    expect(await source.resolve('k1')).toBeDefined();
    // The provider restarts with a new key a moment later: no 10 s lock-out.
    now += 100;
    keys = [k2];
    expect(await source.resolve('k2')).toBeDefined();
    expect(fetches).toBe(2);
    // Made-up kids: the third fetch spends the burst; then nothing until a refill interval passes.
    for (let i = 0; i < 20; i++) expect(await source.resolve(`made-up-${i}`)).toBeUndefined();
    expect(fetches).toBe(3);
    // (0.01 of a fetch refilled during the 100 ms above.)
    now += 9_800;
    await source.resolve('made-up-x');
    expect(fetches).toBe(3);
    now += 100;
    await source.resolve('made-up-y');
    expect(fetches).toBe(4);
    await source.resolve('made-up-z');
    expect(fetches).toBe(4);
    // A long quiet spell refills the burst, never beyond it.
    now += 3_600_000;
    for (let i = 0; i < 10; i++) await source.resolve(`later-${i}`);
    expect(fetches).toBe(7);
  });

  it('keeps its keys when a fetch fails or returns garbage, and skips secret and private keys', async () => {
    const k1 = await jwk('k1');
    let answer: () => Promise<unknown> = async () => ({ keys: [k1, { kty: 'oct', k: 'c2VjcmV0', kid: 'hs' }, { ...k1, kid: 'priv', d: 'x' }] });
    const errors: string[] = [];
    const now = 0;
    const source = new JwksSource(
      () => answer(),
      () => now,
      { burst: 1, refillMs: 0 },
      600_000,
      (m) => errors.push(m),
    );
    await source.refresh(true);
    expect(source.known('k1')).toBeDefined();
    expect(source.known('hs')).toBeUndefined();
    expect(source.known('priv')).toBeUndefined();
    answer = () => Promise.reject(new Error('down'));
    await source.refresh(true);
    answer = async () => ({ nope: true });
    await source.refresh(true);
    expect(source.known('k1')).toBeDefined();
    expect(errors).toHaveLength(2);
  });
});
