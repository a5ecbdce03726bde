import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestTargetProblem } from './request-target.js';

function request(url: string, host: string | undefined, method = 'GET', minor = 1): IncomingMessage {
  return {
    url,
    method,
    headers: host === undefined ? {} : { host },
    rawHeaders: host === undefined ? [] : ['Host', host],
    httpVersionMajor: 1,
    httpVersionMinor: minor,
  } as unknown as IncomingMessage;
}

describe('requestTargetProblem', () => {
  it('lets origin-form targets with a plain Host through untouched', () => {
    for (const host of ['example.com', 'example.com:8080', '127.0.0.1:1', '[::1]:3001', 'a_b.internal']) {
      const req = request('/orders?x=1', host);
      expect(requestTargetProblem(req), host).toBeNull();
      expect(req.url).toBe('/orders?x=1');
    }
  });

  it('refuses a Host with userinfo, a path, a bad port, or no value (RFC 9112 §3.2)', () => {
    for (const host of ['user@example.com', 'example.com/evil', 'example.com:abc', 'example.com:99999', 'example.com:', '']) {
      expect(requestTargetProblem(request('/x', host)), JSON.stringify(host)).toMatchObject({ field: 'Host' });
    }
  });

  it('refuses two Host headers (RFC 9112 §3.2), whatever their case', () => {
    const req = { ...request('/x', 'example.com'), rawHeaders: ['Host', 'example.com', 'Accept', '*/*', 'HOST', 'evil.example'] } as unknown as IncomingMessage;
    expect(requestTargetProblem(req)).toMatchObject({ field: 'Host', message: expect.stringContaining('exactly one Host') });
  });

  it('refuses an HTTP/1.1 request without Host, not an HTTP/1.0 one', () => {
    expect(requestTargetProblem(request('/x', undefined))).toMatchObject({ field: 'Host' });
    expect(requestTargetProblem(request('/x', undefined, 'GET', 0))).toBeNull();
  });

  it('rewrites an absolute-form target naming the Host to origin-form (RFC 9112 §3.2.2)', () => {
    const req = request('http://example.com:8080/orders?x=1', 'example.com:8080');
    expect(requestTargetProblem(req)).toBeNull();
    expect(req.url).toBe('/orders?x=1');
  });

  it('refuses absolute-form naming another host, with userinfo or another scheme, and authority-form', () => {
    for (const url of ['http://evil.example/orders', 'http://user:pass@example.com/orders', 'file:///etc/passwd', 'example.com:80', '*']) {
      expect(requestTargetProblem(request(url, 'example.com')), url).toMatchObject({ field: 'request-target' });
    }
    expect(requestTargetProblem(request('*', 'example.com', 'OPTIONS'))).toBeNull();
  });
});
