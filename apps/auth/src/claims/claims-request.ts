import { servableClaims } from './served-claims.js';

/**
 * The claims an authorization request asked for by name with the `claims` parameter (OIDC Core §5.5),
 * reduced to what this server can serve: per target, the claim names. It travels with the
 * authorization code, the refresh token and the access tokens, so userinfo and every ID Token of the
 * grant answer it.
 */
export interface RequestedClaims {
  userinfo: string[];
  id_token: string[];
}

export type ClaimsParameterCheck = { ok: true; claims: RequestedClaims } | { ok: false; description: string };

const targets = ['userinfo', 'id_token'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks the `claims` parameter: a JSON object whose `userinfo` and `id_token` members are objects of
 * claim names, each null or an object with `essential` (a boolean), `value` or `values` (an array).
 * Other members and claims this server does not know are ignored (§5.5: MUST be ignored when not
 * understood); `essential`, `value` and `values` are accepted, and a claim is served as the user holds
 * it (§5.5.1: not serving a requested claim is no error).
 */
export function parseClaimsParameter(raw: string): ClaimsParameterCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, description: 'The claims parameter is not valid JSON.' };
  }
  if (!isObject(parsed)) return { ok: false, description: 'The claims parameter must be a JSON object.' };
  const claims: RequestedClaims = { userinfo: [], id_token: [] };
  for (const target of targets) {
    const member = parsed[target];
    if (member === undefined) continue;
    if (!isObject(member)) return { ok: false, description: `claims.${target} must be a JSON object.` };
    for (const [name, request] of Object.entries(member)) {
      const problem = requestProblem(request);
      if (problem !== undefined) return { ok: false, description: `claims.${target}.${name} ${problem}.` };
      if (servableClaims.has(name) && !claims[target].includes(name)) claims[target].push(name);
    }
  }
  return { ok: true, claims };
}

/** OIDC Core §5.5.1: null, or an object whose known members have the right types. */
function requestProblem(request: unknown): string | undefined {
  if (request === null) return undefined;
  if (!isObject(request)) return 'must be null or a JSON object';
  if (request.essential !== undefined && typeof request.essential !== 'boolean') return 'essential must be a boolean';
  if (request.values !== undefined && !Array.isArray(request.values)) return 'values must be an array';
  if (request.value !== undefined && request.values !== undefined) return 'may have value or values, not both';
  return undefined;
}

/** No claims asked for by name: what a request without the parameter means. */
export function noRequestedClaims(claims: RequestedClaims | null | undefined): boolean {
  return !claims || (claims.userinfo.length === 0 && claims.id_token.length === 0);
}
