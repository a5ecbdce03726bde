import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwksSource } from './jwks-source.js';

async function jwk(kid: string) {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid };
}

describe('JwksSource', () => {
  it('refetches for an unknown kid at most once per interval, joining a fetch in flight', async () => {
    const k1 = await jwk('k1');
    let now = 0;
    let fetches = 0;
    let release: () => void = () => undefined;
    const source = new JwksSource(
      () => {
        fetches++;
        return new Promise((resolve) => (release = () => resolve({ keys: [k1] })));
      },
      () => now,
      10_000,
      600_000,
    );
    const waiting = [source.resolve('k1'), source.resolve('k1'), source.resolve('zz')];
    release();
    const [a, b, c] = await Promise.all(waiting);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).toBeUndefined();
    expect(fetches).toBe(1);
    expect(await source.resolve('zz')).toBeUndefined();
    expect(fetches).toBe(1);
    now += 10_000;
    const later = source.resolve('zz');
    release();
    await later;
    expect(fetches).toBe(2);
  });

  it('keeps its keys when a fetch fails or returns garbage, and skips secret and private keys', async () => {
    const k1 = await jwk('k1');
    let answer: () => Promise<unknown> = async () => ({ keys: [k1, { kty: 'oct', k: 'c2VjcmV0', kid: 'hs' }, { ...k1, kid: 'priv', d: 'x' }] });
    const errors: string[] = [];
    let now = 0;
    const source = new JwksSource(() => answer(), () => now, 0, 600_000, (m) => errors.push(m));
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
