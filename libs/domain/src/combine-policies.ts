import type { AccessRight, Policy, Session } from './policy.js';

/**
 * A key's effective rights and limits: its session's own, or those of the policies it applies,
 * combined as Tyk combines them (Tyk's `gateway/policy` package, `Service.Apply`, and its docs
 * "Applying policies" and "Partitioned policies"):
 *
 *  - No `apply_policies`: the session's own fields, as they are.
 *  - Policies are applied in `apply_policies` order (repeats ignored). A policy that does not exist
 *    refuses the key (Tyk: "key has no valid policies"; deleting a policy is allowed, its references
 *    then count as absent), as does a policy of another organisation (both `org_id`s set and different).
 *  - Partitions: a policy with `partitions` enabling any of `acl`, `rate_limit`, `quota` sets only
 *    those; without, it sets all three. A segment no applied policy sets keeps the session's own
 *    value, except the ACL: at least one policy must set it (Tyk's rule), else the key is refused.
 *  - Access rights: the union per API. For an API in several policies, `versions` are unioned and
 *    `allowed_urls` merged by URL with their methods unioned (Tyk's `MergeAllowedURLs`). As in Tyk,
 *    the merge appends: an entry with no allowed URLs (the whole API) does not widen a restricted one.
 *  - Rate: the highest allowance wins, compared as requests per second (rate / per). A rate of -1
 *    (unlimited) beats every other; a rate or per of 0 means this policy sets no rate (Tyk's
 *    `emptyRateLimit`). If no policy sets one, the session's own rate stays.
 *  - Quota: the highest `quota_max` wins, -1 (unlimited) beating all; its `quota_renewal_rate` comes
 *    with it. On a tie the earlier policy stays.
 *  - `is_inactive` on any applied policy (or on the session) makes the key inactive.
 *  - Tags: the session's and every policy's, in order, without repeats.
 *
 * Allowed URLs are Tyk regular expressions on the path below the listen path. They are anchored at
 * the start (`^` added unless present), as with Tyk's recommended `enable_path_prefix_matching`:
 * Tyk's legacy unanchored match would let `/users` also allow `/admin/users`. A pattern that does
 * not compile matches nothing (deny), and an entry's empty `methods` allows no method, as in Tyk
 * (its check loops over the listed methods).
 *
 * The result is compiled for the hot path: maps, sets and RegExps built once, looked up per request.
 */

export interface CompiledAllowedUrl {
  readonly pattern: RegExp;
  readonly methods: ReadonlySet<string>;
}

export interface CombinedAccessRight {
  /** Empty: the whole API is allowed. */
  readonly allowedUrls: readonly CompiledAllowedUrl[];
  readonly versions: readonly string[];
}

export interface CombinedRights {
  readonly active: boolean;
  /** Requests per `per` seconds; rate <= 0 means no rate limit. */
  readonly rate: number;
  readonly per: number;
  /** -1 means no quota. */
  readonly quotaMax: number;
  readonly quotaRenewalRate: number;
  /** No entry for an API: no access to it. */
  readonly accessRights: ReadonlyMap<string, CombinedAccessRight>;
  readonly tags: readonly string[];
  /** The policies applied, in order, without repeats. */
  readonly policyIds: readonly string[];
}

export type CombineRefusal =
  | { reason: 'policy_not_found'; policyId: string }
  | { reason: 'policy_of_other_org'; policyId: string }
  | { reason: 'no_acl_policy' };

export type CombineResult = { ok: true; rights: CombinedRights } | ({ ok: false } & CombineRefusal);

/** What combining reads of a session (a key's, or one built from a token's claims). */
export type SessionLimits = Pick<Session, 'rate' | 'per' | 'quota_max' | 'quota_renewal_rate' | 'access_rights' | 'tags' | 'apply_policies' | 'is_inactive' | 'org_id'>;

interface Partitions {
  acl: boolean;
  rate: boolean;
  quota: boolean;
}

type RawUrl = { url: string; methods: string[] };
type RawRight = { versions: string[]; urls: RawUrl[] };

export function combinePolicies(session: SessionLimits, policies: ReadonlyMap<string, Policy>): CombineResult {
  const ids = [...new Set(session.apply_policies)];
  if (ids.length === 0) {
    return {
      ok: true,
      rights: compile({
        active: !session.is_inactive,
        rate: session.rate,
        per: session.per,
        quotaMax: session.quota_max,
        quotaRenewalRate: session.quota_renewal_rate,
        rights: rawRights(Object.values(session.access_rights)),
        tags: unique(session.tags),
        policyIds: [],
      }),
    };
  }

  let active = !session.is_inactive;
  let rate: { rate: number; per: number } | null = null;
  let quota: { max: number; renewal: number } | null = null;
  let rights: Map<string, RawRight> | null = null;
  const tags = [...session.tags];

  for (const id of ids) {
    const policy = policies.get(id);
    if (!policy) return { ok: false, reason: 'policy_not_found', policyId: id };
    if (policy.org_id && session.org_id && policy.org_id !== session.org_id) return { ok: false, reason: 'policy_of_other_org', policyId: id };
    const parts = partitionsOf(policy);
    if (policy.is_inactive) active = false;
    tags.push(...policy.tags);
    if (parts.acl) rights = mergeRights(rights ?? new Map(), Object.values(policy.access_rights));
    if (parts.rate && !(policy.rate === 0 || policy.per === 0)) {
      if (rate === null || allowance(policy) > allowance(rate)) rate = { rate: policy.rate, per: policy.per };
    }
    if (parts.quota && (quota === null || quotaBeats(policy.quota_max, quota.max))) {
      quota = { max: policy.quota_max, renewal: policy.quota_renewal_rate };
    }
  }
  if (rights === null) return { ok: false, reason: 'no_acl_policy' };

  return {
    ok: true,
    rights: compile({
      active,
      // A segment no policy set keeps the session's own value (partitioned policies).
      ...(rate ?? { rate: session.rate, per: session.per }),
      quotaMax: quota?.max ?? session.quota_max,
      quotaRenewalRate: quota?.renewal ?? session.quota_renewal_rate,
      rights,
      tags: unique(tags),
      policyIds: ids,
    }),
  };
}

/** Tyk's `partitions` (kept as a passthrough field): none enabled means the policy sets everything. */
function partitionsOf(policy: Policy): Partitions {
  const raw = (policy as { partitions?: unknown }).partitions;
  if (raw === null || typeof raw !== 'object') return { acl: true, rate: true, quota: true };
  const p = raw as { acl?: unknown; rate_limit?: unknown; quota?: unknown };
  const enabled = { acl: p.acl === true, rate: p.rate_limit === true, quota: p.quota === true };
  return enabled.acl || enabled.rate || enabled.quota ? enabled : { acl: true, rate: true, quota: true };
}

/** Requests per second; -1 (unlimited) is infinitely many. */
function allowance(limit: { rate: number; per: number }): number {
  return limit.rate < 0 ? Infinity : limit.rate / limit.per;
}

function quotaBeats(candidate: number, current: number): boolean {
  if (current === -1) return false;
  return candidate === -1 || candidate > current;
}

function rawRights(rights: AccessRight[]): Map<string, RawRight> {
  return mergeRights(new Map(), rights);
}

function mergeRights(into: Map<string, RawRight>, rights: AccessRight[]): Map<string, RawRight> {
  for (const right of rights) {
    const current = into.get(right.api_id) ?? { versions: [], urls: [] };
    const urls = current.urls.map((entry) => ({ url: entry.url, methods: [...entry.methods] }));
    for (const allowed of right.allowed_urls) {
      const same = urls.find((entry) => entry.url === allowed.url);
      if (same) same.methods = unique([...same.methods, ...allowed.methods]);
      else urls.push({ url: allowed.url, methods: unique(allowed.methods) });
    }
    into.set(right.api_id, { versions: unique([...current.versions, ...right.versions]), urls });
  }
  return into;
}

interface Uncompiled {
  active: boolean;
  rate: number;
  per: number;
  quotaMax: number;
  quotaRenewalRate: number;
  rights: Map<string, RawRight>;
  tags: string[];
  policyIds: string[];
}

function compile(combined: Uncompiled): CombinedRights {
  const accessRights = new Map<string, CombinedAccessRight>();
  for (const [apiId, right] of combined.rights) {
    accessRights.set(apiId, {
      versions: right.versions,
      allowedUrls: right.urls.map((entry) => ({ pattern: compilePattern(entry.url), methods: new Set(entry.methods.map((method) => method.toUpperCase())) })),
    });
  }
  const { rights: _raw, ...limits } = combined;
  return { ...limits, accessRights };
}

const matchesNothing = /(?!)/;

export function compilePattern(url: string): RegExp {
  try {
    return new RegExp(url.startsWith('^') ? url : `^${url}`);
  } catch {
    return matchesNothing;
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
