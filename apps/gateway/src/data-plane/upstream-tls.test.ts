import { describe, expect, it } from 'vitest';
import { UpstreamPools } from './upstream-pools.js';
import { compileUpstreamTls } from './upstream-tls.js';

const https = new URL('https://secure.internal');

describe('compileUpstreamTls', () => {
  it("turns Tyk's proxy.transport into Node's connect options", () => {
    const tls = compileUpstreamTls(https, {
      ssl_insecure_skip_verify: true,
      ssl_min_version: 771,
      ssl_max_version: 772,
      ssl_ciphers: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
      ssl_ca_certificates: 'CA PEM',
      ssl_client_certificate: 'CERT PEM',
      ssl_client_key: 'KEY PEM',
    });
    expect(tls?.options).toEqual({
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384',
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
    });
    expect(tls?.insecure).toBe(true);
  });

  it('sets nothing for plain http targets, for an empty Tyk export, or without a transport', () => {
    expect(compileUpstreamTls(new URL('http://plain.internal'), { ssl_insecure_skip_verify: true })).toBeNull();
    expect(compileUpstreamTls(https, { ssl_insecure_skip_verify: false, ssl_ciphers: [], ssl_min_version: 0, ssl_max_version: 0 })).toBeNull();
    expect(compileUpstreamTls(https, undefined)).toBeNull();
  });

  it('gives APIs with different TLS options to one origin their own pools, and warns once for an unverified one', async () => {
    const warned: string[] = [];
    const pools = new UpstreamPools(undefined, undefined, (origin) => warned.push(origin));
    const plain = pools.get('https://secure.internal');
    const withCa = compileUpstreamTls(https, { ssl_ca_certificates: 'CA PEM' });
    const insecure = compileUpstreamTls(https, { ssl_insecure_skip_verify: true });
    expect(pools.get('https://secure.internal', withCa)).not.toBe(plain);
    expect(pools.get('https://secure.internal', insecure)).not.toBe(pools.get('https://secure.internal', withCa));
    expect(pools.get('https://secure.internal', compileUpstreamTls(https, { ssl_ca_certificates: 'CA PEM' }))).toBe(
      pools.get('https://secure.internal', withCa),
    );
    expect(warned).toEqual(['https://secure.internal']);
    await pools.closeAll();
  });
});
