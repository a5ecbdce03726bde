import type { TestProject } from 'vitest/node';
import { reachable, testServices } from './services.js';
import { howToOptOut, skipAllowed } from './skip-policy.js';
import { sweepTestStreams } from './sweep-test-streams.js';

/**
 * The integration and e2e tiers need the real PostgreSQL, NATS and Redis. When one is missing they
 * say which, and how to start it, and the run fails; only with PORTCULLIS_ALLOW_SKIP=1 are the tests
 * that need it skipped instead (loudly): without Redis, only the tests that share limits through it.
 */
export default async function requireServices(project: TestProject): Promise<(() => Promise<void>) | void> {
  const missing: string[] = [];
  if (!(await reachable(testServices.databaseUrl))) missing.push(`PostgreSQL at ${testServices.databaseUrl} (TEST_DATABASE_URL)`);
  if (!(await reachable(testServices.natsUrl))) missing.push(`NATS at ${testServices.natsUrl} (TEST_NATS_URL)`);
  const servicesMissing = missing.length > 0;
  const redisMissing = !(await reachable(testServices.redisUrl));
  if (redisMissing) missing.push(`Redis at ${testServices.redisUrl} (TEST_REDIS_URL)`);
  project.provide('servicesMissing', servicesMissing);
  project.provide('redisMissing', redisMissing);
  if (missing.length === 0) return () => sweepTestStreams().then(() => undefined);
  const message = `The ${project.name} tests need real services that are not reachable:\n  - ${missing.join('\n  - ')}\nStart them (see CONTRIBUTING.md, "Set up, build, test") and run again.`;
  if (!skipAllowed) throw new Error(`${message}\n${howToOptOut}`);
  const skipped = servicesMissing ? `the ${project.name} tests` : `the Redis tests of the ${project.name} tier`;
  console.warn(`\n*** PORTCULLIS_ALLOW_SKIP=1: SKIPPING ${skipped}. ${message}\n`);
  if (!servicesMissing) return () => sweepTestStreams().then(() => undefined);
}
