import type { ApiDefinition } from '@portcullis/domain';
import { publicKeyFingerprintOf } from '@portcullis/domain';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../../../tools/test/certificates.js';
import { compileUpstreamPins, pinnedServerIdentity } from './upstream-pins.js';
import { compileUpstreamTls } from './upstream-tls.js';

const ca = createTestCa();
afterAll(() => ca.dispose());
const api = (fields: Record<string, unknown>) => ({ api_id: 'a', proxy: { listen_path: '/', target_url: 'https://x' }, ...fields }) as unknown as ApiDefinition;

describe('compileUpstreamPins', () => {
  const keys = new Map([
    ['k1', 'f1'],
    ['k2', 'f2'],
    ['k3', 'f3'],
  ]);
  const pins = compileUpstreamPins(api({ pinned_public_keys: { 'api.example': 'k1, k2', '*': 'k3,missing' } }), (id) => keys.get(id) ?? null)!;

  it('maps a host to the public keys of its ids (host, then *); an id the store lacks pins nothing', () => {
    expect([...pins.forTarget(new URL('https://api.example/x'))!]).toEqual(['f1', 'f2']);
    expect([...pins.forTarget(new URL('https://other.test/x'))!]).toEqual(['f3']);
    expect(pins.forTarget(new URL('http://api.example/x'))).toBeNull();
    expect(pins.ids).toEqual(new Set(['k1', 'k2', 'k3', 'missing']));
  });

  it('costs nothing unset or disabled', () => {
    expect(compileUpstreamPins(api({}), () => null)).toBeNull();
    expect(compileUpstreamPins(api({ pinned_public_keys: { '*': 'k1' }, certificate_pinning_disabled: true }), () => null)).toBeNull();
  });

  it('names its pool by the pins (the check itself is a function)', () => {
    const one = compileUpstreamTls(new URL('https://x'), undefined, null, new Set(['f1']))!;
    const other = compileUpstreamTls(new URL('https://x'), undefined, null, new Set(['f2']))!;
    expect(one.id).not.toBe(other.id);
    expect(typeof one.options.checkServerIdentity).toBe('function');
  });
});

describe('pinnedServerIdentity, over a real TLS connection', () => {
  it("passes when the leaf's or the CA's public key is pinned, fails otherwise and on a wrong host name", async () => {
    const leaf = ca.issue(['pinned.test']);
    const server = createServer({ cert: leaf.cert + ca.cert, key: leaf.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const attempt = (pins: Set<string>, servername = 'pinned.test') =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, servername, ca: ca.cert, checkServerIdentity: pinnedServerIdentity(pins) }, () => {
          socket.end();
          resolve('connected');
        });
        socket.on('error', (error) => resolve(error.message));
      });
    const leafPin = publicKeyFingerprintOf(new X509Certificate(leaf.cert));
    const caPin = publicKeyFingerprintOf(new X509Certificate(ca.cert));
    const otherPin = publicKeyFingerprintOf(new X509Certificate(ca.issue(['other.test']).cert));
    try {
      expect(await attempt(new Set([leafPin]))).toBe('connected');
      expect(await attempt(new Set([otherPin, caPin]))).toBe('connected');
      expect(await attempt(new Set([otherPin]))).toMatch(/pinning error/);
      expect(await attempt(new Set())).toMatch(/pinning error/);
      expect(await attempt(new Set([leafPin]), 'wrong.test')).toMatch(/does not match|altnames/);
    } finally {
      server.close();
    }
  });
});
