import { describe, expect, it } from 'vitest';
import { listeningUrl } from './listening-url.js';

const at = (port: number) => ({ address: '0.0.0.0', family: 'IPv4', port });

describe('listeningUrl', () => {
  it('reports the real port and the host it was given', () => {
    expect(listeningUrl(at(41234), '127.0.0.1')).toBe('http://127.0.0.1:41234');
    expect(listeningUrl(at(80), 'localhost')).toBe('http://localhost:80');
  });
  it('turns a wildcard bind into a connectable loopback address', () => {
    expect(listeningUrl(at(3001), '0.0.0.0')).toBe('http://127.0.0.1:3001');
    expect(listeningUrl(at(3001), '::')).toBe('http://[::1]:3001');
  });
  it('brackets IPv6 literals', () => {
    expect(listeningUrl(at(3001), '::1')).toBe('http://[::1]:3001');
  });
  it('refuses a server that is not on a TCP port', () => {
    expect(() => listeningUrl(null, '127.0.0.1')).toThrow('the server is not listening on a TCP port');
    expect(() => listeningUrl('/tmp/socket', '127.0.0.1')).toThrow('the server is not listening on a TCP port');
  });
});
