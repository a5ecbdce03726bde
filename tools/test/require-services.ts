import type { TestProject } from 'vitest/node';
import { reachable, testServices } from './services.js';
import { sweepTestStreams } from './sweep-test-streams.js';

/**
 * The integration and e2e tiers need the real PostgreSQL and NATS. When one is missing they say
 * which, and how to start it; under CI=true that is a failure, elsewhere the tier is skipped.
 */
export default async function requireServices(project: TestProject): Promise<(() => Promise<void>) | void> {
  const missing: string[] = [];
  if (!(await reachable(testServices.databaseUrl))) missing.push(`PostgreSQL at ${testServices.databaseUrl} (TEST_DATABASE_URL)`);
  if (!(await reachable(testServices.natsUrl))) missing.push(`NATS at ${testServices.natsUrl} (TEST_NATS_URL)`);
  project.provide('servicesMissing', missing.length > 0);
  // Only the tests that share limits through Redis need it: without it they alone are skipped.
  const redisMissing = !(await reachable(testServices.redisUrl));
  project.provide('redisMissing', redisMissing);
  if (redisMissing) {
    const redis = `Redis at ${testServices.redisUrl} (TEST_REDIS_URL)`;
    if (process.env.CI === 'true') missing.push(redis);
    else console.warn(`\n*** SKIPPING the Redis tests of the ${project.name} tier: ${redis} is not reachable.\n`);
  }
  if (missing.length === 0) return () => sweepTestStreams().then(() => undefined);
  const message = `These tests need real services that are not reachable:\n  - ${missing.join('\n  - ')}\nStart them (see README, "Running the tests") and run again.`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n*** SKIPPING the ${project.name} tests: ${message}\n`);
}
