import { describe, expect, it } from 'vitest';
import { identity, rights } from '../../../test/fixtures/enforcement.js';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import type { Identity } from '../identity.js';
import { authorise, pathBelow } from './authorise.js';
import { match } from './match.js';

const { config } = compiledConfiguration([
  definition({ api_id: 'open', use_keyless: true, proxy: { listen_path: '/open', target_url: 'http://127.0.0.1:9' } }),
  definition({ api_id: 'shop', use_keyless: false, proxy: { listen_path: '/shop/', target_url: 'http://127.0.0.1:9' } }),
  definition({ api_id: 'other', use_keyless: false, proxy: { listen_path: '/other', target_url: 'http://127.0.0.1:9' } }),
]);

function decide(who: Identity, url: string, method = 'GET') {
  const { ctx } = contextFor(config, url);
  (ctx.req as { method: string }).method = method;
  match.handle(ctx);
  ctx.identity = who;
  const result = authorise.handle(ctx);
  return { result: result.kind === 'fail' ? result.code : result.kind, refusal: ctx.refusal };
}

describe('authorise step', () => {
  it('is in every chain that authenticates, right after authenticate, and in no keyless one', () => {
    expect(config.apis.get('open')!.chain).not.toContain(authorise);
    const names = config.apis.get('shop')!.chain.map((s) => s.name);
    expect(names.indexOf('authorise')).toBe(names.indexOf('authenticate') + 1);
  });

  it('lets through an API listed in the rights, without allowed_urls, on any path and method', () => {
    const who = identity(rights({ access: { shop: [] } }));
    expect(decide(who, '/shop/anything', 'DELETE')).toEqual({ result: 'continue', refusal: null });
  });

  it('refuses an API the rights do not list with 403 access_denied, and says so for analytics', () => {
    const who = identity(rights({ access: { shop: [] } }));
    expect(decide(who, '/other/x')).toEqual({ result: 'access_denied', refusal: 'forbidden' });
  });

  it('allows only paths (below the listen path) and methods an allowed_urls entry lists', () => {
    const who = identity(
      rights({
        access: {
          shop: [
            { url: '^/orders/[0-9]+$', methods: ['GET'] },
            { url: '^/orders$', methods: ['POST', 'GET'] },
          ],
        },
      }),
    );
    expect(decide(who, '/shop/orders/12').result).toBe('continue');
    expect(decide(who, '/shop/orders/12?x=1').result).toBe('continue');
    expect(decide(who, '/shop/orders', 'POST').result).toBe('continue');
    expect(decide(who, '/shop/orders/12', 'PUT').result).toBe('access_denied');
    expect(decide(who, '/shop/orders/abc').result).toBe('access_denied');
    expect(decide(who, '/shop/users').result).toBe('access_denied');
  });

  it('follows Tyk where an entry lists no methods: it allows none', () => {
    const who = identity(rights({ access: { shop: [{ url: '/orders', methods: [] }] } }));
    expect(decide(who, '/shop/orders').result).toBe('access_denied');
  });

  it('refuses an inactive key or policy with 403 credential_inactive, before looking at the API', () => {
    const who = identity(rights({ active: false, access: { shop: [] } }));
    expect(decide(who, '/shop/x')).toEqual({ result: 'credential_inactive', refusal: 'forbidden' });
  });

  it('names an API the rights list but the registry no longer holds, keeping the code access_denied', () => {
    const who = identity(rights({ access: { gone: [] } }));
    const { ctx } = contextFor(config, '/other/x');
    match.handle(ctx);
    ctx.identity = who;
    const result = authorise.handle(ctx);
    expect(result.kind === 'respond' && { status: result.status, body: JSON.parse(result.body.toString()) }).toEqual({
      status: 403,
      body: { error: 'access_denied', message: "API 'gone' no longer exists" },
    });
    expect(ctx.refusal).toBe('forbidden');
  });

  it('names the deleted policy that made the credential inactive, keeping the code credential_inactive', () => {
    const who = identity({ ...rights({ active: false }), inactiveBecause: "Policy 'gold' no longer exists" });
    const { ctx } = contextFor(config, '/shop/x');
    match.handle(ctx);
    ctx.identity = who;
    const result = authorise.handle(ctx);
    expect(result.kind === 'respond' && { status: result.status, body: JSON.parse(result.body.toString()) }).toEqual({
      status: 403,
      body: { error: 'credential_inactive', message: "Policy 'gold' no longer exists" },
    });
  });

  it('refuses an expired credential with 403 credential_expired; 0 never expires', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(decide(identity(rights({ access: { shop: [] } }), { expiresAt: now - 1 }), '/shop/x').result).toBe('credential_expired');
    expect(decide(identity(rights({ access: { shop: [] } }), { expiresAt: now + 60 }), '/shop/x').result).toBe('continue');
    expect(decide(identity(rights({ access: { shop: [] } }), { expiresAt: 0 }), '/shop/x').result).toBe('continue');
  });

  it('answers the prepared 403 bodies', () => {
    const { ctx } = contextFor(config, '/other/x');
    match.handle(ctx);
    ctx.identity = identity(rights({ access: {} }));
    const first = authorise.handle(ctx);
    expect(first).toEqual({ kind: 'fail', code: 'access_denied' });
    expect(authorise.handle(ctx)).toBe(first);
  });

  it('sees the path below the listen path', () => {
    expect(pathBelow('/shop/orders/1', '/shop')).toBe('/orders/1');
    expect(pathBelow('/shop', '/shop')).toBe('/');
    expect(pathBelow('/orders', '/')).toBe('/orders');
  });
});
