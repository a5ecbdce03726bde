import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authHarness, session, unauthorisedBody } from '../../../test/fixtures/auth.js';

const secret = 'shared-secret-of-key-1';

function hmacApi(extra: Record<string, unknown> = {}) {
  return authHarness(
    { enable_signature_checking: true, ...extra },
    {
      lookup: ({ kind, id }) =>
        kind === 'hmac' && id === 'key-1'
          ? { found: true, key_hash: 'h1', session: session({ hmac_enabled: true }), secrets: { hmac: secret } }
          : { found: false },
    },
  );
}

function sign(
  now: number,
  options: { key?: string; algorithm?: string; headers?: string; path?: string; date?: string; urlEncode?: boolean; secret?: string } = {},
) {
  const date = options.date ?? new Date(now).toUTCString();
  const signed = options.headers ?? '(request-target) date';
  const lines = signed.split(' ').map((name) => (name === '(request-target)' ? `(request-target): get ${options.path ?? '/api/x?a=1'}` : `${name}: ${date}`));
  const algorithm = options.algorithm ?? 'hmac-sha256';
  let signature = createHmac(algorithm.slice(5), options.secret ?? secret)
    .update(lines.join('\n'))
    .digest('base64');
  if (options.urlEncode) signature = encodeURIComponent(signature);
  return { Date: date, Authorization: `Signature keyId="${options.key ?? 'key-1'}",algorithm="${algorithm}",headers="${signed}",signature="${signature}"` };
}

describe('HMAC request signatures', () => {
  it('accepts a correct signature (base64 or, as Tyk sends it, URL-encoded), looking the secret up once', async () => {
    const h = hmacApi();
    const ok = await h.send('/api/x?a=1', sign(h.clock.now));
    expect(ok.status).toBe(200);
    expect(ok.identity).toMatchObject({ mode: 'hmac', id: 'h1' });
    expect((await h.send('/api/x?a=1', sign(h.clock.now, { urlEncode: true }))).status).toBe(200);
    expect(h.calls.lookup).toEqual([{ kind: 'hmac', id: 'key-1' }]);
  });

  it('refuses a wrong secret, a changed path, an unknown key and a missing header with one body', async () => {
    const h = hmacApi();
    const cases = [
      await h.send('/api/x?a=1', sign(h.clock.now, { secret: 'guessed' })),
      await h.send('/api/x?a=2', sign(h.clock.now)),
      await h.send('/api/x?a=1', sign(h.clock.now, { key: 'key-2' })),
      await h.send('/api/x?a=1'),
    ];
    for (const response of cases) {
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual(unauthorisedBody);
      expect(response.headers.get('www-authenticate')).toBe('Signature realm="api"');
    }
  });

  it('keeps the Date within the allowed skew (default 300 s; hmac_allowed_clock_skew in ms) and requires it signed', async () => {
    const h = hmacApi({ hmac_allowed_clock_skew: 1000 });
    expect((await h.send('/api/x?a=1', sign(h.clock.now - 900))).status).toBe(200);
    expect((await h.send('/api/x?a=1', sign(h.clock.now - 5000))).status).toBe(401);
    expect((await h.send('/api/x?a=1', sign(h.clock.now, { headers: '(request-target)' }))).status).toBe(401);
    const lax = hmacApi({ hmac_allowed_clock_skew: 0 });
    expect((await lax.send('/api/x?a=1', sign(lax.clock.now - 86_400_000))).status).toBe(200);
  });

  it('allows only the configured algorithms (sha1 not by default)', async () => {
    const h = hmacApi();
    expect((await h.send('/api/x?a=1', sign(h.clock.now, { algorithm: 'hmac-sha1' }))).status).toBe(401);
    expect((await h.send('/api/x?a=1', sign(h.clock.now, { algorithm: 'hmac-sha512' }))).status).toBe(200);
    const sha1 = hmacApi({ hmac_allowed_algorithms: ['hmac-sha1'] });
    expect((await sha1.send('/api/x?a=1', sign(sha1.clock.now, { algorithm: 'hmac-sha1' }))).status).toBe(200);
    expect((await sha1.send('/api/x?a=1', sign(sha1.clock.now))).status).toBe(401);
  });
});
