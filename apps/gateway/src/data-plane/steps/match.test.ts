import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { match } from './match.js';

describe('match step', () => {
  const { config } = compiledConfiguration([
    definition({ api_id: 'orders', proxy: { listen_path: '/orders', target_url: 'http://127.0.0.1:9' } }),
    definition({ api_id: 'shop', domain: 'shop.example', proxy: { listen_path: '/orders', target_url: 'http://127.0.0.1:9' } }),
  ]);

  it("switches the request onto the matched API's chain", () => {
    const { ctx } = contextFor(config, '/orders/1?x=y');
    expect(match.handle(ctx)).toEqual({ kind: 'continue' });
    expect(ctx.api?.id).toBe('orders');
    expect(ctx.chain).toBe(ctx.api!.chain);
    // The API's chain starts with match, so the runner's index stays valid after the swap.
    expect(ctx.chain[0]).toBe(match);
  });

  it('matches on the path only, never the query string', () => {
    const { ctx } = contextFor(config, '/other?next=/orders');
    expect(match.handle(ctx)).toEqual({ kind: 'fail', code: 'api_not_found' });
    expect(ctx.api).toBeNull();
  });

  it('uses the Host header when some API is bound to a domain', () => {
    const { ctx } = contextFor(config, '/orders/1', { Host: 'shop.example:8080' });
    match.handle(ctx);
    expect(ctx.api?.id).toBe('shop');
  });

  it('refuses TRACE with 405 and an Allow header, unless the API sets proxy.allow_trace', () => {
    const { config: traced } = compiledConfiguration([
      definition({ api_id: 'plain', proxy: { listen_path: '/plain', target_url: 'http://127.0.0.1:9' } }),
      definition({ api_id: 'traced', proxy: { listen_path: '/traced', target_url: 'http://127.0.0.1:9', allow_trace: true } }),
    ]);
    const refused = contextFor(traced, '/plain/x');
    (refused.ctx.req as { method: string }).method = 'TRACE';
    const result = match.handle(refused.ctx);
    expect(result).toMatchObject({ kind: 'respond', status: 405 });
    if (result.kind !== 'respond') throw new Error(`expected a response, got ${result.kind}`);
    const { headers, body } = result;
    expect(headers[headers.indexOf('allow') + 1]).not.toMatch(/TRACE/);
    expect(JSON.parse(body.toString())).toEqual({ error: 'method_not_allowed', message: 'Method not allowed' });
    // Recorded against the API it was meant for.
    expect(refused.ctx.api?.id).toBe('plain');
    const allowed = contextFor(traced, '/traced/x');
    (allowed.ctx.req as { method: string }).method = 'TRACE';
    expect(match.handle(allowed.ctx)).toEqual({ kind: 'continue' });
  });
});
