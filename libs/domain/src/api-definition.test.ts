import { describe, expect, it } from 'vitest';
import { normaliseListenPath, routeKey, validateApiDefinition } from './api-definition.js';

const valid = { name: 'Orders', proxy: { listen_path: '/orders/', target_url: 'http://orders.internal:8080/v1' } };

describe('validateApiDefinition', () => {
  it('fills Tyk defaults and keeps fields it does not know', () => {
    const result = validateApiDefinition({ ...valid, version_data: { not_versioned: true }, proxy: { ...valid.proxy, transport: { x: 1 } } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      name: 'Orders',
      org_id: '',
      active: true,
      domain: '',
      use_keyless: false,
      version_data: { not_versioned: true },
      proxy: { listen_path: '/orders/', strip_listen_path: false, preserve_host_header: false, transport: { x: 1 } },
    });
  });

  it('collects every error with the field that caused it', () => {
    const result = validateApiDefinition({
      name: 42,
      active: 'yes',
      proxy: { listen_path: 'orders', target_url: 'ftp://x' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['active', 'name', 'proxy.listen_path', 'proxy.target_url']);
  });

  it('names missing required fields', () => {
    const result = validateApiDefinition({ proxy: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['name', 'proxy.listen_path', 'proxy.target_url']);
  });

  it.each([
    ['http://user:pw@host/', 'credentials'],
    ['http://host/?a=1', 'query'],
    ['not a url', 'garbage'],
    ['javascript:alert(1)', 'scheme'],
  ])('refuses target_url %s (%s)', (target_url) => {
    const result = validateApiDefinition({ ...valid, proxy: { ...valid.proxy, target_url } });
    expect(result.ok).toBe(false);
  });

  it.each(['/a/../b', '/a b', '/a?x', ''])('refuses listen_path %j', (listen_path) => {
    const result = validateApiDefinition({ ...valid, proxy: { ...valid.proxy, listen_path } });
    expect(result.ok).toBe(false);
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 3]) expect(validateApiDefinition(body).ok).toBe(false);
  });

  it('accepts a domain with a port and lower-cases it', () => {
    const result = validateApiDefinition({ ...valid, domain: 'API.Example.com:8443' });
    expect(result.ok && result.value.domain).toBe('api.example.com:8443');
    expect(validateApiDefinition({ ...valid, domain: 'bad domain' }).ok).toBe(false);
  });
});

describe('listen path identity', () => {
  it('treats a trailing slash as the same route', () => {
    expect(normaliseListenPath('/orders/')).toBe('/orders');
    expect(normaliseListenPath('/')).toBe('/');
    expect(routeKey({ domain: '', proxy: { listen_path: '/a/' } as never })).toBe(routeKey({ domain: '', proxy: { listen_path: '/a' } as never }));
    expect(routeKey({ domain: 'x.com', proxy: { listen_path: '/a' } as never })).not.toBe(routeKey({ domain: '', proxy: { listen_path: '/a' } as never }));
  });
});
