import pg from 'pg';
import { connect as connectTcp } from 'node:net';

/**
 * Where the integration and end-to-end tiers find the real PostgreSQL and NATS. They run against
 * the machine's services, never mocks; each test file uses its own database schema / subjects.
 */
export const testServices = {
  databaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  natsUrl: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
  /** Redis, for the rate limiter's shared-limit tests (the gateway uses it when REDIS_URL is set). */
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  /**
   * NATS subject prefix for this test process (pass it as `subjectPrefix`): another test run on the
   * same NATS then cannot answer our requests, which share subjects and queue groups with it.
   */
  subjectPrefix: `test-${process.pid}-${Date.now().toString(36)}.`,
};

export function reachable(url: string, timeoutMs = 1500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectTcp({ host: hostname, port: Number(port), timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Drops test schemas (and all in them) on a connection of its own, so it works after the app's pool is closed. */
export async function dropScratchSchemas(...schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: testServices.databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
