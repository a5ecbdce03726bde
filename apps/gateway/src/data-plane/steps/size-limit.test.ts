import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { compileSizeLimits, limitFor } from './size-limit.js';

let upstream: Server;
let upstreamUrl: string;
/** Bytes of each request body the upstream received, in order. */
const received: number[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      received.push(size);
      res.end(`got ${size}`);
    });
    req.on('error', () => received.push(-size));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const versions = (version: Record<string, unknown>) => ({
  version_data: { not_versioned: true, default_version: 'Default', versions: { Default: { name: 'Default', ...version } } },
});

function api(version: Record<string, unknown>) {
  return definition({ api_id: 's', ...versions(version), proxy: { listen_path: '/s', target_url: upstreamUrl } } as never);
}

async function gateway(version: Record<string, unknown>) {
  const built = compiledConfiguration([api(version)]);
  const plane = await startDataPlane(built.config);
  return { ...plane, config: built.config, close: async () => (await plane.close(), await built.pools.closeAll()) };
}

/** A request whose body goes out chunked (no Content-Length), in `chunks` pieces of `size` bytes. */
function chunked(url: string, chunks: number, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    let sent = 0;
    const next = () => {
      if (sent === chunks || req.destroyed) return void req.end();
      sent++;
      req.write(Buffer.alloc(size, 'a'), () => setImmediate(next));
    };
    next();
  });
}

describe('size-limit step', () => {
  it('is compiled only for APIs with a global or path size limit, before authentication', () => {
    const { config } = compiledConfiguration([
      definition({
        api_id: 'on',
        use_keyless: false,
        ...versions({ global_size_limit: 10 }),
        proxy: { listen_path: '/on', target_url: 'http://127.0.0.1:9' },
      } as never),
      definition({
        api_id: 'off',
        ...versions({ global_size_limit: 0, extended_paths: { size_limits: [] } }),
        proxy: { listen_path: '/off', target_url: 'http://127.0.0.1:9' },
      } as never),
    ]);
    expect(
      config.apis
        .get('on')!
        .chain.map((s) => s.name)
        .slice(0, 3),
    ).toEqual(['match', 'size-limit', 'authenticate']);
    expect(config.apis.get('off')!.chain.map((s) => s.name)).not.toContain('size-limit');
  });

  it('takes the smaller of the global limit and the first entry matching path and method', () => {
    const limits = compileSizeLimits(
      api({
        global_size_limit: 100,
        extended_paths: {
          size_limits: [
            { path: '/upload/{id}', method: 'POST', size_limit: 1000 },
            { path: '/small', method: 'POST', size_limit: 5 },
          ],
        },
      }),
    )!.unversioned!;
    expect(limitFor(limits, 'POST', '/small')).toBe(5);
    expect(limitFor(limits, 'POST', '/upload/7')).toBe(100);
    expect(limitFor(limits, 'GET', '/small')).toBe(100);
    const pathOnly = compileSizeLimits(
      api({
        extended_paths: {
          size_limits: [
            { path: '/small', method: 'POST', size_limit: 5 },
            { path: '/small', method: 'PUT', size_limit: 1, disabled: true },
          ],
        },
      }),
    )!.unversioned!;
    // A disabled entry (Tyk's `disabled: true`) limits nothing.
    expect(limitFor(pathOnly, 'PUT', '/small')).toBe(-1);
  });

  it('takes the limits of the version the request resolved to, checked after version-check and before authentication', async () => {
    const versioned = definition({
      api_id: 'by-version',
      proxy: { listen_path: '/s', target_url: upstreamUrl },
      definition: { location: 'header', key: 'x-api-version' },
      version_data: {
        not_versioned: false,
        default_version: 'v1',
        versions: {
          v1: { name: 'v1', global_size_limit: 10 },
          v2: { name: 'v2', global_size_limit: 100, extended_paths: { size_limits: [{ path: '/tiny', method: 'POST', size_limit: 3 }] } },
          v3: { name: 'v3' },
        },
      },
    } as never);
    const built = compiledConfiguration([
      versioned,
      { ...versioned, api_id: 'locked', use_keyless: false, proxy: { ...versioned.proxy, listen_path: '/locked' } },
    ]);
    const names = built.config.apis.get('locked')!.chain.map((s) => s.name);
    expect(names.slice(names.indexOf('version-check'), names.indexOf('authenticate') + 1)).toEqual(['version-check', 'size-limit', 'authenticate']);
    const plane = await startDataPlane(built.config);
    const send = (version: string | null, path: string, size: number) =>
      fetch(`${plane.url}/s${path}`, { method: 'POST', headers: version === null ? {} : { 'x-api-version': version }, body: 'x'.repeat(size) }).then(
        (r) => r.status,
      );
    try {
      expect(await send('v1', '/a', 11)).toBe(413);
      expect(await send(null, '/a', 11)).toBe(413);
      expect(await send('v2', '/a', 11)).toBe(200);
      expect(await send('v2', '/a', 101)).toBe(413);
      expect(await send('v2', '/tiny', 4)).toBe(413);
      expect(await send('v1', '/tiny', 4)).toBe(200);
      // A version without limits is not limited, though the API's others are.
      expect(await send('v3', '/a', 1000)).toBe(200);
    } finally {
      await plane.close();
      await built.pools.closeAll();
    }
  });

  it('refuses a declared Content-Length over the limit with 413 before reading the body, and lets one at the limit through', async () => {
    const gw = await gateway({ extended_paths: { size_limits: [{ path: '/post', method: 'POST', size_limit: 10 }] } });
    try {
      const count = received.length;
      const over = await fetch(`${gw.url}/s/post`, { method: 'POST', body: 'x'.repeat(11) });
      expect(over.status).toBe(413);
      expect(over.headers.get('connection')).toBe('close');
      expect(await over.json()).toEqual({ error: 'request_too_large', message: 'Request is too large' });
      expect(received.length).toBe(count);
      const fits = await fetch(`${gw.url}/s/post`, { method: 'POST', body: 'x'.repeat(10) });
      expect(fits.status).toBe(200);
      expect(await fits.text()).toBe('got 10');
      // Another path is not limited.
      expect((await fetch(`${gw.url}/s/other`, { method: 'POST', body: 'x'.repeat(100) })).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('counts a chunked body as it streams and answers 413 once it passes the limit; a chunked body within it goes through whole', async () => {
    const gw = await gateway({ global_size_limit: 1000 });
    try {
      const over = await chunked(`${gw.url}/s/stream`, 20, 100);
      expect(over.status).toBe(413);
      expect(JSON.parse(over.body)).toEqual({ error: 'request_too_large', message: 'Request is too large' });
      const within = await chunked(`${gw.url}/s/stream`, 10, 100);
      expect(within).toEqual({ status: 200, body: 'got 1000' });
    } finally {
      await gw.close();
    }
  });
});
