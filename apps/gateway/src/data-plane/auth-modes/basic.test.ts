import { describe, expect, it } from 'vitest';
import { authHarness, session, unauthorisedBody } from '../../../test/fixtures/auth.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function basicApi() {
  return authHarness(
    { use_basic_auth: true },
    {
      lookup: ({ kind, id, password }) =>
        kind === 'basic' && id === 'alice' && password === 's3cret:with:colons'
          ? // As the auth service stores and answers it: basic_auth_data without the password.
            { found: true, key_hash: 'hash-of-alice', session: { ...session(), basic_auth_data: { hash_type: 'scrypt' } } as never }
          : { found: false },
      timings: { basicTtlMs: 60_000 },
    },
  );
}

describe('basic auth', () => {
  it('accepts the right password (checked by the auth service once) and caches the verified pair', async () => {
    const h = basicApi();
    for (let i = 0; i < 3; i++) {
      const response = await h.send('/api/x', { Authorization: basic('alice', 's3cret:with:colons') });
      expect(response.status).toBe(200);
      expect(response.identity).toMatchObject({ mode: 'basic', id: 'hash-of-alice' });
    }
    expect(h.calls.lookup).toEqual([{ kind: 'basic', id: 'alice', password: 's3cret:with:colons' }]);
  });

  it('refuses a wrong password and asks again for it (a cached success is for that exact pair only)', async () => {
    const h = basicApi();
    await h.send('/api/x', { Authorization: basic('alice', 's3cret:with:colons') });
    const wrong = await h.send('/api/x', { Authorization: basic('alice', 'guess') });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual(unauthorisedBody);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="api"');
    expect(h.calls.lookup).toHaveLength(2);
  });

  it('challenges a missing or malformed header with Basic and the same body', async () => {
    const h = basicApi();
    const refused: Record<string, string>[] = [{}, { Authorization: 'Basic !!!' }, { Authorization: 'Bearer x' }];
    for (const headers of refused) {
      const response = await h.send('/api/x', headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="api"');
      expect(JSON.parse(response.body)).toEqual(unauthorisedBody);
    }
    expect(h.calls.lookup).toHaveLength(0);
  });

  it('refuses a NUL in the user name or password as a wrong credential, without asking the auth service', async () => {
    const h = basicApi();
    for (const header of [basic('ali\u0000ce', 's3cret:with:colons'), basic('alice', 's3cret\u0000')]) {
      const response = await h.send('/api/x', { Authorization: header });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual(unauthorisedBody);
    }
    expect(h.calls.lookup).toHaveLength(0);
  });

  it('forgets a verified pair after its TTL', async () => {
    const h = basicApi();
    await h.send('/api/x', { Authorization: basic('alice', 's3cret:with:colons') });
    h.clock.now += 60_001;
    await h.send('/api/x', { Authorization: basic('alice', 's3cret:with:colons') });
    expect(h.calls.lookup).toHaveLength(2);
  });
});
