import type { ApiDefinition } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { compileUpstreamCertificates } from './upstream-certificates.js';
import { compileUpstreamTls } from './upstream-tls.js';

const pairs = new Map(['port', 'host', 'wild', 'any'].map((id) => [id, { cert: `cert-${id}`, key: `key-${id}` }]));
const lookup = (id: string) => pairs.get(id) ?? null;
const api = (fields: Record<string, unknown>) => ({ api_id: 'a', proxy: { listen_path: '/', target_url: 'https://x' }, ...fields }) as unknown as ApiDefinition;

describe('compileUpstreamCertificates', () => {
  const compiled = compileUpstreamCertificates(
    api({ upstream_certificates: { 'api.example:8443': 'port', 'api.example': 'host', '*.example': 'wild', '*': 'any', 'gone.example': 'missing' } }),
    lookup,
  )!;
  const certFor = (url: string) => compiled.forTarget(new URL(url))?.cert ?? null;

  it("matches Tyk's order: host:port, host, *.parent (one label), then *", () => {
    expect(certFor('https://api.example:8443/x')).toBe('cert-port');
    expect(certFor('https://API.example/x')).toBe('cert-host');
    expect(certFor('https://other.example/x')).toBe('cert-wild');
    expect(certFor('https://a.b.example/x')).toBe('cert-any');
    expect(certFor('https://elsewhere.test/x')).toBe('cert-any');
  });

  it('presents nothing to plain http targets nor for an id the store does not hold', () => {
    expect(certFor('http://api.example/x')).toBeNull();
    expect(certFor('https://gone.example/x')).toBeNull();
  });

  it('costs nothing when unset, empty or disabled', () => {
    expect(compileUpstreamCertificates(api({}), lookup)).toBeNull();
    expect(compileUpstreamCertificates(api({ upstream_certificates: {} }), lookup)).toBeNull();
    expect(compileUpstreamCertificates(api({ upstream_certificates: { '*': 'any' }, upstream_certificates_disabled: true }), lookup)).toBeNull();
  });

  it("becomes the connection's client certificate (and its pool's key); proxy.transport's own pair wins", () => {
    const pair = pairs.get('any')!;
    const tls = compileUpstreamTls(new URL('https://x'), undefined, pair)!;
    expect(tls.options).toEqual({ cert: 'cert-any', key: 'key-any' });
    expect(compileUpstreamTls(new URL('https://x'), undefined, pairs.get('host')!)!.id).not.toBe(tls.id);
    expect(compileUpstreamTls(new URL('https://x'), { ssl_client_certificate: 'own', ssl_client_key: 'own-key' }, pair)!.options).toMatchObject({
      cert: 'own',
      key: 'own-key',
    });
    expect(compileUpstreamTls(new URL('http://x'), undefined, pair)).toBeNull();
  });
});
