import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import type { Identity } from '../identity.js';
import { ForwardShaping } from './forward-shaping.js';
import { compileTemplate, renderTemplate } from './template.js';

const { config } = compiledConfiguration([definition({ api_id: 't', proxy: { listen_path: '/t', target_url: 'http://127.0.0.1:9' } })]);

function request(identity: Partial<Identity> | null = null) {
  const { ctx } = contextFor(config, '/t/orders/7?x=1', { 'X-Trace-Id': 'abc', 'User-Agent': 'ua' });
  ctx.identity = identity as Identity | null;
  ctx.shaping = new ForwardShaping();
  return ctx;
}

describe('header templates', () => {
  it('a value without variables stays a plain string (nothing per request)', () => {
    expect(compileTemplate('static', true, false)).toBe('static');
    // Without enable_context_vars Tyk has no context data: the variable is replaced by nothing.
    expect(compileTemplate('[$tyk_context.path]', false, false)).toBe('[]');
  });

  it('fills $tyk_context request facts and headers, $1 groups', () => {
    const ctx = request();
    expect(renderTemplate(compileTemplate('p=$tyk_context.path m=$tyk_context.request_method h=$tyk_context.headers_X_Trace_Id', true, false), ctx)).toBe(
      'p=/t/orders/7 m=GET h=abc',
    );
    const id = compileTemplate('$tyk_context.request_id', true, false);
    // One id per request, whichever value asks for it.
    expect(renderTemplate(id, ctx)).toBe(renderTemplate(id, ctx));
    expect(renderTemplate(id, ctx)).not.toBe(renderTemplate(id, request()));
    expect(renderTemplate(compileTemplate('/v2/$1/$2', true, true), ctx, /\/(\w+)\/(\d+)/.exec('/orders/7'))).toBe('/v2/orders/7');
  });

  it('$tyk_meta from the session and jwt_claims_* from the token; absent is empty; CR/LF in a value cannot split the header', () => {
    const ctx = request({ meta: { tier: 'gold', limits: { n: 1 }, bad: 'a\r\nX-Injected: 1' }, claims: { sub: 'user-1', roles: ['a', 'b'] } });
    expect(renderTemplate(compileTemplate('$tyk_meta.tier', false, false), ctx)).toBe('gold');
    expect(renderTemplate(compileTemplate('$tyk_meta.limits', false, false), ctx)).toBe('{"n":1}');
    expect(renderTemplate(compileTemplate('$tyk_meta.bad', false, false), ctx)).toBe('a  X-Injected: 1');
    expect(renderTemplate(compileTemplate('$tyk_context.jwt_claims_sub $tyk_context.jwt_claims_roles', true, false), ctx)).toBe('user-1 ["a","b"]');
    expect(renderTemplate(compileTemplate('[$tyk_meta.none][$tyk_context.jwt_claims_none]', true, false), request())).toBe('[][]');
  });
});
