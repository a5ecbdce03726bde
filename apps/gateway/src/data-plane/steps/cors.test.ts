import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { compileCors, originAllowed } from './cors.js';

let upstream: Server;
let upstreamUrl: string;
let upstreamCalls = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    upstreamCalls++;
    // The upstream's own CORS headers: with CORS on at the gateway, only the gateway's reach the client.
    res.writeHead(200, { 'access-control-allow-origin': 'https://upstream.example', 'x-method': req.method! });
    res.end('ok');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const corsOf = (cors: Record<string, unknown>) => ({ enable: true, ...cors });

async function gateway(cors: Record<string, unknown>, keyless = false) {
  const built = compiledConfiguration([
    definition({ api_id: 'c', use_keyless: keyless, CORS: corsOf(cors), proxy: { listen_path: '/c', target_url: upstreamUrl } } as never),
  ]);
  const plane = await startDataPlane(built.config);
  return { ...plane, config: built.config, close: async () => (await plane.close(), await built.pools.closeAll()) };
}

const preflight = (origin: string, method = 'PUT', headers?: string) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
});

describe('cors step', () => {
  it('runs right after match, before authentication, only for APIs that enable CORS', () => {
    const { config } = compiledConfiguration([
      definition({ api_id: 'on', use_keyless: false, CORS: { enable: true }, proxy: { listen_path: '/on', target_url: 'http://127.0.0.1:9' } } as never),
      definition({
        api_id: 'off',
        use_keyless: false,
        CORS: { enable: false, allowed_origins: ['*'] },
        proxy: { listen_path: '/off', target_url: 'http://127.0.0.1:9' },
      } as never),
    ]);
    expect(
      config.apis
        .get('on')!
        .chain.map((s) => s.name)
        .slice(0, 3),
    ).toEqual(['match', 'cors', 'authenticate']);
    expect(config.apis.get('off')!.chain.map((s) => s.name)).not.toContain('cors');
    expect(config.apis.get('off')!.cors).toBeNull();
  });

  it('matches origins as rs/cors does: exact (any case), one-star wildcards, * for all', () => {
    const cors = compileCors(
      definition({
        api_id: 'w',
        CORS: corsOf({ allowed_origins: ['https://app.example', 'https://*.example.com'] }),
        proxy: { listen_path: '/w', target_url: 'http://u:1' },
      } as never),
    )!;
    expect(originAllowed(cors, 'https://APP.example')).toBe(true);
    expect(originAllowed(cors, 'https://a.b.example.com')).toBe(true);
    expect(originAllowed(cors, 'https://example.com')).toBe(false);
    expect(originAllowed(cors, 'https://evil.example.com.attacker.net')).toBe(false);
    expect(originAllowed(cors, 'http://a.example.com')).toBe(false);
    const all = compileCors(
      definition({ api_id: 'a', CORS: corsOf({ allowed_origins: ['*'] }), proxy: { listen_path: '/a', target_url: 'http://u:1' } } as never),
    )!;
    expect(originAllowed(all, 'https://anything.test')).toBe(true);
  });

  it('answers an allowed preflight 200 at the gateway, without a credential, before authentication', async () => {
    const gw = await gateway({
      allowed_origins: ['https://*.example.com'],
      allowed_methods: ['GET', 'PUT'],
      allowed_headers: ['Authorization', 'Content-Type'],
      allow_credentials: true,
      max_age: 600,
    });
    try {
      const before = upstreamCalls;
      const response = await fetch(`${gw.url}/c/things`, preflight('https://app.example.com', 'PUT', 'authorization, content-type'));
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(response.headers.get('access-control-allow-methods')).toBe('PUT');
      expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('access-control-max-age')).toBe('600');
      expect(response.headers.get('vary')).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      expect(upstreamCalls).toBe(before);
    } finally {
      await gw.close();
    }
  });

  it('gives a disallowed origin, method or header no CORS headers', async () => {
    const gw = await gateway({ allowed_origins: ['https://app.example'], allowed_methods: ['GET'], allowed_headers: ['X-Ok'] });
    try {
      for (const init of [
        preflight('https://evil.example', 'GET'),
        preflight('https://app.example', 'DELETE'),
        preflight('https://app.example', 'GET', 'x-not-ok'),
      ]) {
        const response = await fetch(`${gw.url}/c/things`, init);
        expect(response.status).toBe(200);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('access-control-allow-methods')).toBeNull();
      }
      // An actual request from a disallowed origin: Vary only, and the gateway's 401 as usual.
      const actual = await fetch(`${gw.url}/c/things`, { headers: { origin: 'https://evil.example' } });
      expect(actual.status).toBe(401);
      expect(actual.headers.get('access-control-allow-origin')).toBeNull();
      expect(actual.headers.get('vary')).toBe('Origin');
    } finally {
      await gw.close();
    }
  });

  it("puts the CORS headers on the gateway's own error answers and on the upstream's, replacing the upstream's", async () => {
    const gw = await gateway({ allowed_origins: ['*'], exposed_headers: ['X-Method', 'X-Request-Id'] });
    try {
      const refused = await fetch(`${gw.url}/c/things`, { headers: { origin: 'https://app.example' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');
      expect(refused.headers.get('access-control-expose-headers')).toBe('X-Method, X-Request-Id');
    } finally {
      await gw.close();
    }
    const open = await gateway({ allowed_origins: ['https://app.example'], allow_credentials: true }, true);
    try {
      const proxied = await fetch(`${open.url}/c/things`, { headers: { origin: 'https://app.example' } });
      expect(proxied.status).toBe(200);
      expect(proxied.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(proxied.headers.get('access-control-allow-credentials')).toBe('true');
      expect(proxied.headers.get('vary')).toBe('Origin');
    } finally {
      await open.close();
    }
  });

  it("puts the CORS headers on an IP list's 403 too (cors runs before ip-lists, as Tyk's handler wraps the chain)", async () => {
    const built = compiledConfiguration([
      definition({
        api_id: 'c',
        use_keyless: true,
        CORS: corsOf({ allowed_origins: ['*'] }),
        enable_ip_whitelisting: true,
        allowed_ips: ['10.9.9.9'],
        proxy: { listen_path: '/c', target_url: upstreamUrl },
      } as never),
    ]);
    const plane = await startDataPlane(built.config);
    try {
      const refused = await fetch(`${plane.url}/c/things`, { headers: { origin: 'https://app.example' } });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: 'ip_not_allowed' });
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await plane.close();
      await built.pools.closeAll();
    }
  });

  it('with options_passthrough sends the preflight on through the chain (authentication included), with its headers', async () => {
    const gw = await gateway({ allowed_origins: ['https://app.example'], options_passthrough: true }, true);
    try {
      const before = upstreamCalls;
      const response = await fetch(`${gw.url}/c/things`, preflight('https://app.example', 'POST'));
      expect(response.status).toBe(200);
      expect(response.headers.get('x-method')).toBe('OPTIONS');
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(upstreamCalls).toBe(before + 1);
    } finally {
      await gw.close();
    }
    const keyed = await gateway({ allowed_origins: ['https://app.example'], options_passthrough: true });
    try {
      expect((await fetch(`${keyed.url}/c/things`, preflight('https://app.example', 'POST'))).status).toBe(401);
    } finally {
      await keyed.close();
    }
  });
});
