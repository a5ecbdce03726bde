import { afterAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../../tools/test/certificates.js';
import { validateApiDefinition } from './api-definition.js';

const ca = createTestCa();
const client = ca.issue(['gateway-client'], { clientAuth: true });
const other = ca.issue(['someone-else'], { clientAuth: true });
afterAll(() => ca.dispose());

const withTransport = (transport: unknown) =>
  validateApiDefinition({ name: 'Secure', proxy: { listen_path: '/secure/', target_url: 'https://secure.internal', transport } });
const fields = (result: ReturnType<typeof validateApiDefinition>) => (result.ok ? [] : result.errors.map((error) => error.field).sort());

describe('proxy.transport', () => {
  it("accepts Tyk's export with every field empty, and a full upstream TLS setting", () => {
    expect(
      withTransport({
        ssl_insecure_skip_verify: false,
        ssl_ciphers: null,
        ssl_min_version: 0,
        ssl_max_version: 0,
        ssl_force_common_name_check: false,
        proxy_url: '',
      }).ok,
    ).toBe(true);
    const full = withTransport({
      ssl_min_version: 771,
      ssl_max_version: 772,
      ssl_ciphers: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
      ssl_ca_certificates: `${ca.cert}\n${ca.cert}`,
      ssl_client_certificate: client.cert,
      ssl_client_key: client.key,
    });
    expect(full.ok, JSON.stringify(full)).toBe(true);
  });

  it('refuses, naming each field: a bad TLS version, an unknown cipher, a certificate that does not parse, a key that is not one or not the certificate’s', () => {
    expect(fields(withTransport({ ssl_min_version: 1.2 }))).toEqual(['proxy.transport.ssl_min_version']);
    expect(fields(withTransport({ ssl_min_version: 768 }))).toEqual(['proxy.transport.ssl_min_version']);
    expect(fields(withTransport({ ssl_min_version: 772, ssl_max_version: 771 }))).toEqual(['proxy.transport.ssl_max_version']);
    expect(fields(withTransport({ ssl_ciphers: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'RC4-MD5'] }))).toEqual(['proxy.transport.ssl_ciphers.1']);
    expect(fields(withTransport({ ssl_ca_certificates: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }))).toEqual([
      'proxy.transport.ssl_ca_certificates',
    ]);
    expect(fields(withTransport({ ssl_ca_certificates: `${ca.cert}\ntrailing junk` }))).toEqual(['proxy.transport.ssl_ca_certificates']);
    expect(fields(withTransport({ ssl_client_certificate: client.cert, ssl_client_key: 'not a key' }))).toEqual(['proxy.transport.ssl_client_key']);
    expect(fields(withTransport({ ssl_client_certificate: client.cert }))).toEqual(['proxy.transport.ssl_client_key']);
    expect(fields(withTransport({ ssl_client_certificate: client.cert, ssl_client_key: other.key }))).toEqual(['proxy.transport.ssl_client_key']);
  });

  it('refuses a forward proxy (proxy_url) by name', () => {
    const result = withTransport({ proxy_url: 'http://squid.internal:3128' });
    expect(result.ok).toBe(false);
    expect(fields(result)).toContain('proxy.transport.proxy_url');
  });
});
