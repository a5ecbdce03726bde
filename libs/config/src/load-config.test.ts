import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config.js';
import { env } from './variables.js';

const schema = z
  .object({ ADMIN_SECRET: env.ADMIN_SECRET, GATEWAY_PORT: env.GATEWAY_PORT, NATS_URL: env.NATS_URL })
  .transform((e) => ({ adminSecret: e.ADMIN_SECRET, http: { port: e.GATEWAY_PORT }, nats: { servers: e.NATS_URL } }));

describe('loadConfig', () => {
  it('applies defaults, coerces numbers and nests the result', () => {
    const config = loadConfig(schema, { ADMIN_SECRET: 'x'.repeat(16) });
    expect(config).toEqual({ adminSecret: 'x'.repeat(16), http: { port: 8080 }, nats: { servers: ['nats://127.0.0.1:4222'] } });
  });

  it('splits a comma-separated NATS_URL into servers', () => {
    const config = loadConfig(schema, { ADMIN_SECRET: 'x'.repeat(16), NATS_URL: 'nats://a:4222, nats://b:4222' });
    expect(config.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig(schema, { ADMIN_SECRET: 'short', GATEWAY_PORT: 'eighty' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(2);
      expect(problems.join('\n')).toMatch(/ADMIN_SECRET/);
      expect(problems.join('\n')).toMatch(/GATEWAY_PORT/);
    }
  });

  it('freezes the result, nested objects included', () => {
    const config = loadConfig(schema, { ADMIN_SECRET: 'x'.repeat(16) });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
