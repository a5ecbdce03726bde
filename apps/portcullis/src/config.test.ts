import { describe, expect, it } from 'vitest';
import { loadPortcullisConfig } from './config.js';

describe('loadPortcullisConfig', () => {
  it('defaults to ./data under the working directory, loopback, the standard ports, quiet logs, no secret', () => {
    expect(loadPortcullisConfig({}, '/srv/app')).toEqual({
      dataDir: '/srv/app/data',
      host: '127.0.0.1',
      ports: { gateway: 8080, registry: 3001, auth: 3002 },
      logLevel: 'warn',
      adminSecret: null,
    });
  });

  it('takes DATA_DIR (relative or absolute), HOST, ports, LOG_LEVEL and ADMIN_SECRET from the environment', () => {
    const config = loadPortcullisConfig(
      { DATA_DIR: 'var/pc', HOST: '0.0.0.0', GATEWAY_PORT: '0', REGISTRY_PORT: '4001', AUTH_PORT: '4002', LOG_LEVEL: 'warn', ADMIN_SECRET: 'x'.repeat(20) },
      '/srv/app',
    );
    expect(config).toEqual({
      dataDir: '/srv/app/var/pc',
      host: '0.0.0.0',
      ports: { gateway: 0, registry: 4001, auth: 4002 },
      logLevel: 'warn',
      adminSecret: 'x'.repeat(20),
    });
    expect(loadPortcullisConfig({ DATA_DIR: '/abs/data' }, '/srv/app').dataDir).toBe('/abs/data');
  });

  it('lists every bad variable at once', () => {
    expect(() => loadPortcullisConfig({ GATEWAY_PORT: 'http', ADMIN_SECRET: 'short', LOG_LEVEL: 'loud' }, '/')).toThrow(
      /GATEWAY_PORT[\s\S]*ADMIN_SECRET[\s\S]*LOG_LEVEL|GATEWAY_PORT[\s\S]*LOG_LEVEL[\s\S]*ADMIN_SECRET/,
    );
  });

  it('freezes the result', () => {
    const config = loadPortcullisConfig({}, '/');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ports)).toBe(true);
  });
});
