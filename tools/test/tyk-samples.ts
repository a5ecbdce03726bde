import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tyk's own sample files (API definitions, policies, its Gateway API's OpenAPI document), read from
 * `../shared/tyk/` beside the repository: real-world data the compatibility tests load unchanged.
 */
export const tykSamplesDir = fileURLToPath(new URL('../../../shared/tyk/', import.meta.url));
export const tykAppsDir = join(tykSamplesDir, 'apps');
export const tykPoliciesDir = join(tykSamplesDir, 'policies');

export function tykAppFiles(): string[] {
  return readdirSync(tykAppsDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function tykPolicyFiles(): string[] {
  return readdirSync(tykPoliciesDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readTykApp(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(tykAppsDir, name), 'utf8')) as Record<string, unknown>;
}

export function readTykPolicies(name: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(join(tykPoliciesDir, name), 'utf8')) as Record<string, Record<string, unknown>>;
}

/**
 * The extended_paths of Tyk's jq transforms documentation example, unchanged (transform_jq both
 * ways, reading and setting Tyk context): the gateway's unit test and the e2e test both send it.
 */
export function tykDocsJqExtendedPaths(): Record<string, unknown> {
  return JSON.parse(readFileSync(fileURLToPath(new URL('fixtures/tyk-docs-jq-extended-paths.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
}
