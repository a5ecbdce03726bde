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

});
