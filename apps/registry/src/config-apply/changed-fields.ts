import { isDeepStrictEqual } from 'node:util';

/**
 * The top-level fields whose values differ, as stored JSON sees them: jsonb keeps neither key order
 * nor undefined fields, so both sides are compared through JSON.
 */
export function changedFields(stored: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  const a = JSON.parse(JSON.stringify(stored)) as Record<string, unknown>;
  const b = JSON.parse(JSON.stringify(wanted)) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !isDeepStrictEqual(a[key], b[key])).sort();
}
