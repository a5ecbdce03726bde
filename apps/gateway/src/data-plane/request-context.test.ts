import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor } from '../../test/fixtures/data-plane.js';

describe('RequestContext', () => {
  const { config } = compiledConfiguration([]);

  it('splits the target into path and query string, the query kept byte for byte', () => {
    const { ctx } = contextFor(config, '/a/b?x=%2F&y=1?z');
    expect(ctx.path).toBe('/a/b');
    expect(ctx.query).toBe('?x=%2F&y=1?z');
    const bare = contextFor(config, '/a/b').ctx;
    expect(bare.path).toBe('/a/b');
    expect(bare.query).toBe('');
  });

  it('starts on the entry chain, with no API and no status yet', () => {
    const { ctx } = contextFor(config, '/');
    expect(ctx.chain).toBe(config.entryChain);
    expect(ctx.index).toBe(0);
    expect(ctx.api).toBeNull();
    expect(ctx.status).toBe(0);
  });

  it('finds the first Host header in any case, or null', () => {
    expect(contextFor(config, '/', { 'X-Other': 'x', HOST: 'Shop.Example:8080' }).ctx.host).toBe('Shop.Example:8080');
    expect(contextFor(config, '/', { 'X-Host': 'not-this' }).ctx.host).toBeNull();
  });

  it('gives every context the same set of fields, in the same order', () => {
    const a = contextFor(config, '/a').ctx;
    const b = contextFor(config, '/b?q', { Host: 'h' }).ctx;
    void b.host;
    expect(Object.keys(a)).toEqual(Object.keys(b));
  });
});
