import { ConfigError } from '@portcullis/config';
import { describe, expect, it } from 'vitest';
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

describe('the response cache settings', () => {
  it('default to 64 MiB in memory and 1 MiB per entry, in Redis when REDIS_URL is set', () => {
    expect(loadGatewayConfig(base).cache).toEqual({ redisUrl: null, maxBytes: 67_108_864, maxEntryBytes: 1_048_576 });
    expect(loadGatewayConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', CACHE_MAX_BYTES: '1024' }).cache).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', maxBytes: 1024 });
  });

  it('refuses the start naming a negative or non-numeric bound', () => {
    expect(() => loadGatewayConfig({ ...base, CACHE_MAX_BYTES: '-1' })).toThrow(/CACHE_MAX_BYTES/);
    expect(() => loadGatewayConfig({ ...base, CACHE_MAX_ENTRY_BYTES: 'lots' })).toThrow(/CACHE_MAX_ENTRY_BYTES/);
  });
});
