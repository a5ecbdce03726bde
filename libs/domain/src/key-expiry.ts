import type { Policy } from './policy.js';

/**
 * The time a new key lives for, from the policies it applies: Tyk sets `expires` from a policy's
 * `key_expires_in` when a key is created with it. With several, the longest wins. The auth service
 * does not hold policies, so whoever creates the key (a gateway's Tyk API, the registry's console)
 * works it out and passes it along.
 */
export function keyExpiresIn(body: unknown, policies: ReadonlyMap<string, Pick<Policy, 'key_expires_in'>>): number | undefined {
  const applied = (body as { apply_policies?: unknown } | null)?.apply_policies;
  if (!Array.isArray(applied)) return undefined;
  let longest = 0;
  for (const id of applied) {
    const seconds = typeof id === 'string' ? policies.get(id)?.key_expires_in : undefined;
    if (typeof seconds === 'number' && seconds > longest) longest = seconds;
  }
  return longest > 0 ? longest : undefined;
}
