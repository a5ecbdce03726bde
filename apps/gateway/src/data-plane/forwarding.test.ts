import { describe, expect, it } from 'vitest';
import { clientAddress, clientResponseHeaders, compilePathRewrite, upstreamPath, upstreamRequestHeaders } from './forwarding.js';

function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

describe('upstreamRequestHeaders', () => {
  it('drops every hop-by-hop header and keeps the rest in order, with their case and duplicates', () => {
    const raw = [
      'Host',
      'gw.example:8080',
      'Connection',
      'keep-alive',
      'Keep-Alive',
      'timeout=5',
      'Proxy-Authorization',
      'Basic eA==',
      'Proxy-Authenticate',
      'Basic',
      'TE',
      'trailers',
      'Trailer',
      'Expires',
      'Transfer-Encoding',
      'chunked',
      'Upgrade',
      'websocket',
      'Expect',
      '100-continue',
      'Accept',
      'application/json',
      'X-Custom',
      'one',
      'x-custom',
      'two',
    ];
    expect(pairs(upstreamRequestHeaders(raw, '10.0.0.7', 'http', false))).toEqual([
      ['Accept', 'application/json'],
      ['X-Custom', 'one'],
      ['x-custom', 'two'],
      ['x-forwarded-for', '10.0.0.7'],
      ['x-forwarded-proto', 'http'],
      ['x-forwarded-host', 'gw.example:8080'],
    ]);
  });

  it('drops the headers Connection names, wherever they appear', () => {
    const raw = ['X-Secret-Hop', 'a', 'Connection', 'close, X-Secret-Hop , x-other', 'X-Other', 'b', 'X-Kept', 'c'];
    expect(pairs(upstreamRequestHeaders(raw, '10.0.0.7', 'http', false)).map(([name]) => name)).toEqual(['X-Kept', 'x-forwarded-for', 'x-forwarded-proto']);
  });

  it('appends the client address to an existing X-Forwarded-For, joining repeated headers', () => {
    const raw = ['X-Forwarded-For', '203.0.113.1', 'x-forwarded-for', '198.51.100.2'];
    const headers = new Map(pairs(upstreamRequestHeaders(raw, '10.0.0.7', 'http', false)));
    expect(headers.get('x-forwarded-for')).toBe('203.0.113.1, 198.51.100.2, 10.0.0.7');
  });

  it('sets X-Forwarded-Proto and -Host from what the gateway saw, not what the client claims', () => {
    const raw = ['Host', 'real.example', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'spoofed.example'];
    const result = pairs(upstreamRequestHeaders(raw, '10.0.0.7', 'http', false));
    expect(result.filter(([name]) => name.toLowerCase() === 'x-forwarded-proto')).toEqual([['x-forwarded-proto', 'http']]);
    expect(result.filter(([name]) => name.toLowerCase() === 'x-forwarded-host')).toEqual([['x-forwarded-host', 'real.example']]);
  });

  it('sends the client Host upstream only with preserveHost', () => {
    const raw = ['Host', 'gw.example'];
    expect(pairs(upstreamRequestHeaders(raw, '10.0.0.7', 'http', false)).some(([name]) => name === 'host')).toBe(false);
    expect(pairs(upstreamRequestHeaders(raw, '10.0.0.7', 'http', true))).toContainEqual(['host', 'gw.example']);
  });
});

describe('clientResponseHeaders', () => {
  const buffers = (flat: string[]) => flat.map((value) => Buffer.from(value, 'latin1'));

  it('drops hop-by-hop headers and those Connection names, keeps repeated Set-Cookie', () => {
    const raw = buffers([
      'Content-Type',
      'text/plain',
      'Connection',
      'keep-alive, X-Hop',
      'Keep-Alive',
      'timeout=5',
      'Transfer-Encoding',
      'chunked',
      'Trailer',
      'X-Checksum',
      'Upgrade',
      'h2c',
      'Proxy-Authenticate',
      'Basic',
      'X-Hop',
      'gone',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
    ]);
    expect(pairs(clientResponseHeaders(raw))).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it('keeps non-ASCII header bytes as they were', () => {
    const raw = [Buffer.from('X-Name'), Buffer.from([0x63, 0xe9])];
    expect(Buffer.from(clientResponseHeaders(raw)[1]!, 'latin1')).toEqual(Buffer.from([0x63, 0xe9]));
  });
});

describe('upstreamPath', () => {
  const rewrite = (target: string, listenPath: string, strip: boolean) => compilePathRewrite(new URL(target), listenPath, strip);

  it('prefixes the target path without doubling slashes', () => {
    expect(upstreamPath(rewrite('http://u/v1', '/orders', false), '/orders/1', '')).toBe('/v1/orders/1');
    expect(upstreamPath(rewrite('http://u/v1/', '/orders', false), '/orders/1', '')).toBe('/v1/orders/1');
    expect(upstreamPath(rewrite('http://u', '/orders', false), '/orders/1', '')).toBe('/orders/1');
    expect(upstreamPath(rewrite('http://u/', '/orders', false), '/orders', '')).toBe('/orders');
  });

  it('strips the listen path when asked', () => {
    expect(upstreamPath(rewrite('http://u/v1', '/orders', true), '/orders/1', '')).toBe('/v1/1');
    expect(upstreamPath(rewrite('http://u/v1', '/orders', true), '/orders', '')).toBe('/v1');
    expect(upstreamPath(rewrite('http://u/v1', '/orders', true), '/orders/', '')).toBe('/v1/');
    expect(upstreamPath(rewrite('http://u', '/orders', true), '/orders', '')).toBe('/');
    expect(upstreamPath(rewrite('http://u', '/orders', true), '/orders/a/b', '')).toBe('/a/b');
  });

  it('strips nothing for the root listen path', () => {
    expect(upstreamPath(rewrite('http://u/base', '/', true), '/x/y', '')).toBe('/base/x/y');
    expect(upstreamPath(rewrite('http://u', '/', true), '/', '')).toBe('/');
  });

  it('passes the query string byte for byte', () => {
    const query = '?a=1&a=2&b=%2F%20x&empty=&flag&c=caf%C3%A9+plus';
    expect(upstreamPath(rewrite('http://u/v1', '/orders', true), '/orders/1', query)).toBe(`/v1/1${query}`);
    expect(upstreamPath(rewrite('http://u', '/orders', true), '/orders', '?')).toBe('/?');
  });
});

describe('clientAddress', () => {
  it('unwraps IPv4-mapped IPv6 addresses only', () => {
    expect(clientAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddress('::1')).toBe('::1');
    expect(clientAddress('10.1.2.3')).toBe('10.1.2.3');
    expect(clientAddress(undefined)).toBe('unknown');
  });
});
