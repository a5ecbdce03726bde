import { ConfigError } from '@portcullis/config';
import { describe, expect, it } from 'vitest';
import { createTestCa } from '../../../tools/test/certificates.js';
import { loadGatewayConfig } from './config.js';

const base = { ADMIN_SECRET: 'a-test-admin-secret-0123456789' };

describe('TRUSTED_PROXIES', () => {
  it('trusts no proxy by default', () => {
    expect(loadGatewayConfig(base).proxy.trustedProxies).toEqual([]);
  });

  it('is parsed once into rules: addresses and CIDR networks of both families', () => {
    expect(loadGatewayConfig({ ...base, TRUSTED_PROXIES: ' 10.0.0.0/8, ::1 ,127.0.0.1' }).proxy.trustedProxies).toEqual([
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
      { address: '127.0.0.1', prefix: 32, family: 'ipv4' },
    ]);
  });

  it('refuses the start naming an entry that is not an address', () => {
    expect(() => loadGatewayConfig({ ...base, TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ ...base, TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' })).toThrow(/proxy\.internal is not an IP address/);
  });
});

describe('NATS_STREAM_REPLICAS', () => {
  it('is 1 unless set, and 1 to 5 (what JetStream allows)', () => {
    expect(loadGatewayConfig(base).nats.streamReplicas).toBe(1);
    expect(loadGatewayConfig({ ...base, NATS_STREAM_REPLICAS: '3' }).nats.streamReplicas).toBe(3);
    for (const bad of ['0', '6', '2.5']) expect(() => loadGatewayConfig({ ...base, NATS_STREAM_REPLICAS: bad }), bad).toThrow(/NATS_STREAM_REPLICAS/);
  });
});

describe('the response cache settings', () => {
  it('default to 64 MiB in memory and 1 MiB per entry, in Redis when REDIS_URL is set', () => {
    expect(loadGatewayConfig(base).cache).toEqual({ redisUrl: null, maxBytes: 67_108_864, maxEntryBytes: 1_048_576 });
    expect(loadGatewayConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', CACHE_MAX_BYTES: '1024' }).cache).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      maxBytes: 1024,
    });
  });

  it('refuses the start naming a negative or non-numeric bound', () => {
    expect(() => loadGatewayConfig({ ...base, CACHE_MAX_BYTES: '-1' })).toThrow(/CACHE_MAX_BYTES/);
    expect(() => loadGatewayConfig({ ...base, CACHE_MAX_ENTRY_BYTES: 'lots' })).toThrow(/CACHE_MAX_ENTRY_BYTES/);
  });
});

describe('passive health checks and event webhooks', () => {
  it("default to 3 failures in 10 s, out for 10 s; webhooks: Tyk's 30 s, 1000 waiting, 4 at once", () => {
    expect(loadGatewayConfig(base).passiveChecks).toEqual({ failures: 3, windowMs: 10_000, downMs: 10_000 });
    expect(loadGatewayConfig(base).events).toEqual({ timeoutMs: 30_000, maxQueued: 1_000, concurrency: 4 });
    expect(
      loadGatewayConfig({ ...base, UPSTREAM_PASSIVE_FAILURES: '5', UPSTREAM_PASSIVE_WINDOW_MS: '2000', UPSTREAM_PASSIVE_DOWN_MS: '30000' }).passiveChecks,
    ).toEqual({ failures: 5, windowMs: 2_000, downMs: 30_000 });
  });

  it('refuses the start naming a bound that is zero, negative or not a number', () => {
    expect(() => loadGatewayConfig({ ...base, UPSTREAM_PASSIVE_FAILURES: '0' })).toThrow(/UPSTREAM_PASSIVE_FAILURES/);
    expect(() => loadGatewayConfig({ ...base, UPSTREAM_PASSIVE_WINDOW_MS: '-1' })).toThrow(/UPSTREAM_PASSIVE_WINDOW_MS/);
    expect(() => loadGatewayConfig({ ...base, UPSTREAM_PASSIVE_DOWN_MS: 'soon' })).toThrow(/UPSTREAM_PASSIVE_DOWN_MS/);
    expect(() => loadGatewayConfig({ ...base, EVENT_WEBHOOK_TIMEOUT_MS: '0' })).toThrow(/EVENT_WEBHOOK_TIMEOUT_MS/);
    expect(() => loadGatewayConfig({ ...base, EVENT_WEBHOOK_QUEUE_MAX: '0' })).toThrow(/EVENT_WEBHOOK_QUEUE_MAX/);
    expect(() => loadGatewayConfig({ ...base, EVENT_WEBHOOK_CONCURRENCY: 'many' })).toThrow(/EVENT_WEBHOOK_CONCURRENCY/);
  });
});

describe('GATEWAY_TLS_PORT and GATEWAY_TLS_CERTIFICATES', () => {
  it('has no HTTPS listener by default', () => {
    expect(loadGatewayConfig(base).tls).toBeNull();
  });

  it("takes GATEWAY_TLS_PORT alone (the store's certificates are served), refuses certificates without a port", () => {
    expect(loadGatewayConfig({ ...base, GATEWAY_TLS_PORT: '8443' }).tls).toEqual({ port: 8443, certificates: [], reloadMs: 2000, requestClientCert: false });
    const ca = createTestCa();
    const pair = ca.issue(['gateway.test']);
    expect(loadGatewayConfig({ ...base, GATEWAY_TLS_PORT: '8443', GATEWAY_TLS_CERTIFICATES: `${pair.certFile}:${pair.keyFile}` }).tls).toEqual({
      port: 8443,
      certificates: [{ certFile: pair.certFile, keyFile: pair.keyFile }],
      reloadMs: 2000,
      requestClientCert: false,
    });
    expect(() => loadGatewayConfig({ ...base, GATEWAY_TLS_CERTIFICATES: `${pair.certFile}:${pair.keyFile}` })).toThrow(
      /GATEWAY_TLS_PORT: required when GATEWAY_TLS_CERTIFICATES is set/,
    );
    ca.dispose();
  });

  it('refuses the start naming a certificate file that cannot be read or parsed', () => {
    expect(() => loadGatewayConfig({ ...base, GATEWAY_TLS_PORT: '8443', GATEWAY_TLS_CERTIFICATES: '/nonexistent/cert.pem:/nonexistent/key.pem' })).toThrow(
      /GATEWAY_TLS_CERTIFICATES: \/nonexistent\/cert\.pem cannot be read \(ENOENT\)/,
    );
    expect(() => loadGatewayConfig({ ...base, GATEWAY_TLS_PORT: '8443', GATEWAY_TLS_CERTIFICATES: 'cert.pem' })).toThrow(
      /GATEWAY_TLS_CERTIFICATES: "cert\.pem" is not certFile:keyFile/,
    );
  });
});
