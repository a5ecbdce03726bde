import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenEndpoint, TokenRequest } from './token-endpoint.js';
import { formRequestListener, tokenRequestListener, type FormEndpoint } from './token-http.js';

const limit = 64;

interface Answer {
  status: number;
  rawHeaders: string[];
  body: string;
}

/** Raw requests (exact headers, chunked bodies) to a server whose fallback answers "express". */
describe('tokenRequestListener', () => {
  const seen: TokenRequest[] = [];
  const endpoint = {
    handle: async (request: TokenRequest) => {
      seen.push(request);
      return {
        status: 401,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Pragma: 'no-cache', 'WWW-Authenticate': 'Basic realm="x"' },
        body: '{"error":"invalid_client","é":1}',
      };
    },
  } as unknown as TokenEndpoint;
  const fallback: RequestListener = (_req, res) => {
    res.writeHead(299);
    res.end('express');
  };
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer(tokenRequestListener(endpoint, limit, fallback));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function send(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string[] }): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/oauth/token', headers: options.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      for (const part of options.body ?? []) req.write(part);
      req.end();
    });
  }

  const form = (body: string, type = 'application/x-www-form-urlencoded') => ({
    headers: { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), Authorization: 'Basic abc' },
    body: [body],
  });

  it("answers a plain form POST itself with the endpoint's answer and Express's headers, without an ETag or X-Powered-By", async () => {
    seen.length = 0;
    const answer = await send(form('grant_type=client_credentials'));
    expect(answer.status).toBe(401);
    const names = answer.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names).toEqual(['Content-Type', 'Cache-Control', 'Pragma', 'WWW-Authenticate', 'Content-Length', 'Date', 'Connection', 'Keep-Alive']);
    expect(answer.rawHeaders.slice(0, 10)).toEqual([
      'Content-Type',
      'application/json; charset=utf-8',
      'Cache-Control',
      'no-store',
      'Pragma',
      'no-cache',
      'WWW-Authenticate',
      'Basic realm="x"',
      'Content-Length',
      String(Buffer.byteLength('{"error":"invalid_client","é":1}')),
    ]);
    expect(answer.body).toBe('{"error":"invalid_client","é":1}');
    expect(seen).toEqual([{ contentType: 'application/x-www-form-urlencoded', authorization: 'Basic abc', body: 'grant_type=client_credentials' }]);
  });

  it('reassembles a body sent in parts, decodes UTF-8 across them and drops a byte order mark', async () => {
    seen.length = 0;
    const bytes = Buffer.from('\uFEFFscope=caf\u00e9');
    const split = bytes.length - 1; // inside the two bytes of é
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/oauth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', 'content-length': String(bytes.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body: '' }));
        },
      );
      req.on('error', reject);
      req.write(bytes.subarray(0, split));
      setTimeout(() => req.end(bytes.subarray(split)), 20);
    });
    expect(answer.status).toBe(401);
    expect(seen.map((request) => request.body)).toEqual(['scope=café']);
  });

  it.each([
    ['another path', { path: '/oauth/token/' }],
    ['a query string', { path: '/oauth/token?x=1' }],
    ['another method', { method: 'PUT' }],
    ['a body over the limit', form('x='.padEnd(limit + 1, 'a'))],
    ['another content type', form('{}', 'application/json')],
    ['a charset to transcode', form('a=b', 'application/x-www-form-urlencoded; charset=latin1')],
    ['a malformed content type', form('a=b', 'form')],
    ['no content type', { headers: { 'Content-Length': '3' }, body: ['a=b'] }],
    ['a chunked body', { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' }, body: ['a=b'] }],
    [
      'a compressed body',
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip', 'Content-Length': '3' }, body: ['a=b'] },
    ],
  ])('leaves %s to Express', async (_case, options) => {
    seen.length = 0;
    const answer = await send(options);
    expect(answer).toMatchObject({ status: 299, body: 'express' });
    expect(seen).toEqual([]);
  });
});

describe('formRequestListener', () => {
  it('sends each exact path to its own endpoint, and anything else to Express', async () => {
    const answering = (name: string): FormEndpoint => ({ handle: async () => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: name }) });
    const fallback: RequestListener = (_req, res) => res.writeHead(299).end('express');
    const routes = new Map([
      ['/oauth/token', answering('token')],
      ['/oauth/introspect', answering('introspect')],
    ]);
    const server = createServer(formRequestListener(routes, limit, fallback));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const post = async (path: string) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'token=x',
        });
        return `${response.status} ${await response.text()}`;
      };
      expect(await post('/oauth/introspect')).toBe('200 introspect');
      expect(await post('/oauth/token')).toBe('200 token');
      expect(await post('/oauth/introspect/')).toBe('299 express');
      expect(await post('/oauth/revoke')).toBe('299 express');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
