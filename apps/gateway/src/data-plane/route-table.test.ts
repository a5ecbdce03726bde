import { describe, expect, it } from 'vitest';
import { hostWithoutPort, RouteTable, type Routable } from './route-table.js';

const api = (id: string, listenPath: string, domain = ''): Routable & { id: string } => ({ id, listenPath, domain });

function matchId(table: RouteTable<Routable & { id: string }>, path: string, host: string | null = null): string | undefined {
  return table.match(host, path)?.id;
}

describe('RouteTable', () => {
  it('matches the listen path itself, with a trailing slash, and below it', () => {
    const table = new RouteTable([api('orders', '/orders')]);
    expect(matchId(table, '/orders')).toBe('orders');
    expect(matchId(table, '/orders/')).toBe('orders');
    expect(matchId(table, '/orders/1')).toBe('orders');
    expect(matchId(table, '/orders/1/lines/2')).toBe('orders');
  });

  it('matches only at a segment boundary', () => {
    const table = new RouteTable([api('orders', '/orders')]);
    expect(matchId(table, '/ordersx')).toBeUndefined();
    expect(matchId(table, '/order')).toBeUndefined();
    expect(matchId(table, '/')).toBeUndefined();
    expect(matchId(table, '/other/orders')).toBeUndefined();
  });

  it('picks the longest matching listen path', () => {
    const table = new RouteTable([api('root', '/'), api('v1', '/api'), api('orders', '/api/orders'), api('deep', '/api/orders/special')]);
    expect(matchId(table, '/api/orders/special/9')).toBe('deep');
    expect(matchId(table, '/api/orders/specialx')).toBe('orders');
    expect(matchId(table, '/api/orders/1')).toBe('orders');
    expect(matchId(table, '/api/ordersx')).toBe('v1');
    expect(matchId(table, '/api')).toBe('v1');
    expect(matchId(table, '/elsewhere')).toBe('root');
    expect(matchId(table, '/')).toBe('root');
  });

  it('lets the root listen path catch only origin-form paths', () => {
    const table = new RouteTable([api('root', '/')]);
    expect(matchId(table, '*')).toBeUndefined();
  });

  it('prefers APIs bound to the request host, whatever their prefix length', () => {
    const table = new RouteTable([api('any-deep', '/shop/cart'), api('bound', '/shop', 'shop.example.com'), api('any', '/')]);
    expect(matchId(table, '/shop/cart', 'shop.example.com')).toBe('bound');
    expect(matchId(table, '/shop/cart', 'SHOP.Example.COM')).toBe('bound');
    expect(matchId(table, '/shop/cart', 'other.example.com')).toBe('any-deep');
    expect(matchId(table, '/shop/cart', null)).toBe('any-deep');
    // Nothing bound to the host matches this path: host-less APIs still do.
    expect(matchId(table, '/about', 'shop.example.com')).toBe('any');
  });

  it('matches a domain without a port on any port, a domain with a port on that port only', () => {
    const table = new RouteTable([api('any-port', '/a', 'example.com'), api('port-8080', '/b', 'example.com:8080')]);
    expect(matchId(table, '/a', 'example.com:9999')).toBe('any-port');
    expect(matchId(table, '/a', 'example.com')).toBe('any-port');
    expect(matchId(table, '/b', 'example.com:8080')).toBe('port-8080');
    expect(matchId(table, '/b', 'example.com:8081')).toBeUndefined();
    expect(matchId(table, '/b', 'example.com')).toBeUndefined();
  });

  it('does not read the host when no API is bound to a domain', () => {
    expect(new RouteTable([api('a', '/a')]).usesDomains).toBe(false);
    expect(new RouteTable([api('a', '/a', 'x.example')]).usesDomains).toBe(true);
  });

  it('keeps the first of two APIs on the same route and reports the other', () => {
    const first = api('first', '/same');
    const second = api('second', '/same');
    const table = new RouteTable([first, second]);
    expect(matchId(table, '/same')).toBe('first');
    expect(table.collisions).toEqual([second]);
    // Same path on different domains is no collision.
    expect(new RouteTable([api('a', '/x', 'a.example'), api('b', '/x', 'b.example')]).collisions).toEqual([]);
  });
});

describe('hostWithoutPort', () => {
  it('strips a port, also after an IPv6 literal', () => {
    expect(hostWithoutPort('example.com:8080')).toBe('example.com');
    expect(hostWithoutPort('example.com')).toBe('example.com');
    expect(hostWithoutPort('[::1]:8080')).toBe('[::1]');
    expect(hostWithoutPort('[::1]')).toBe('[::1]');
  });
});
