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
 *  - Per-API limits (Tyk's `access_rights.<api>.limit`, and a policy with `partitions.per_api`,
 *    whose own rate and quota become a limit on each API it lists): that API is held to its own
 *    limit, with counters of its own, instead of the key-wide one; the other APIs keep the key-wide
 *    limit. Several per-API limits for one API combine as above: the highest allowance, the highest
 *    quota. A `quota_max` of 0 or -1, or a renewal rate <= 0, sets no quota (as in Tyk's check); a
 *    segment a per-API limit does not set is the key-wide one, counted for that API alone.
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

/** A limit of one API's own (Tyk's per-API limit); counted apart from the key-wide one. */
export interface ApiLimit {
  /** Requests per `per` seconds; rate <= 0 means no rate limit. */
  readonly rate: number;
  readonly per: number;
  /** -1 means no quota. */
  readonly quotaMax: number;
  readonly quotaRenewalRate: number;
}

export interface CombinedAccessRight {
  /** Empty: the whole API is allowed. */
  readonly allowedUrls: readonly CompiledAllowedUrl[];
  readonly versions: readonly string[];
  /** Null: the API counts against the key-wide limits. */
  readonly limit: ApiLimit | null;
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
  { reason: 'policy_not_found'; policyId: string } | { reason: 'policy_of_other_org'; policyId: string } | { reason: 'no_acl_policy' };

export type CombineResult = { ok: true; rights: CombinedRights } | ({ ok: false } & CombineRefusal);

/** What combining reads of a session (a key's, or one built from a token's claims). */
export type SessionLimits = Pick<
  Session,
  'rate' | 'per' | 'quota_max' | 'quota_renewal_rate' | 'access_rights' | 'tags' | 'apply_policies' | 'is_inactive' | 'org_id'
>;

interface Partitions {
  acl: boolean;
  rate: boolean;
  quota: boolean;
}

type RawUrl = { url: string; methods: string[] };
type RawRight = { versions: string[]; urls: RawUrl[]; limit: ApiLimit | null };

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
    if (parts.acl) rights = mergeRights(rights ?? new Map<string, RawRight>(), Object.values(policy.access_rights), perApiLimitOf(policy));
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
  return mergeRights(new Map(), rights, null);
}

/** `partitions.per_api`: the policy's own rate and quota become a limit on each API it lists. */
function perApiLimitOf(policy: Policy): ApiLimit | null {
  const raw = (policy as { partitions?: unknown }).partitions;
  if (raw === null || typeof raw !== 'object' || (raw as { per_api?: unknown }).per_api !== true) return null;
  return apiLimit({ rate: policy.rate, per: policy.per, quota_max: policy.quota_max, quota_renewal_rate: policy.quota_renewal_rate });
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Tyk's APILimit, normalised; null when it limits nothing (Tyk's `IsEmpty`). */
export function apiLimit(raw: unknown): ApiLimit | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const limit = raw as Record<string, unknown>;
  const rate = num(limit.rate, 0);
  const per = num(limit.per, 0);
  const quotaMax = num(limit.quota_max, -1);
  const renewal = num(limit.quota_renewal_rate, -1);
  const limitsRate = rate > 0 && per > 0;
  const limitsQuota = quotaMax > 0 && renewal > 0;
  if (!limitsRate && !limitsQuota) return null;
  return { rate: limitsRate ? rate : 0, per: limitsRate ? per : 0, quotaMax: limitsQuota ? quotaMax : -1, quotaRenewalRate: limitsQuota ? renewal : -1 };
}

/** Two per-API limits for one API: the higher allowance and the higher quota (Tyk's "greater wins"). */
function greaterLimit(a: ApiLimit | null, b: ApiLimit | null): ApiLimit | null {
  if (a === null || b === null) return a ?? b;
  // A limit that sets no rate (or no quota) leaves the other's in place only if it sets one.
  const rate = a.rate <= 0 ? b : b.rate <= 0 ? a : allowance(b) > allowance(a) ? b : a;
  const quota = a.quotaMax === -1 ? b : b.quotaMax === -1 ? a : b.quotaMax > a.quotaMax ? b : a;
  return { rate: rate.rate, per: rate.per, quotaMax: quota.quotaMax, quotaRenewalRate: quota.quotaRenewalRate };
}

function mergeRights(into: Map<string, RawRight>, rights: AccessRight[], policyWide: ApiLimit | null): Map<string, RawRight> {
  for (const right of rights) {
    const current = into.get(right.api_id) ?? { versions: [], urls: [], limit: null };
    const urls = current.urls.map((entry) => ({ url: entry.url, methods: [...entry.methods] }));
    for (const allowed of right.allowed_urls) {
      const same = urls.find((entry) => entry.url === allowed.url);
      if (same) same.methods = unique([...same.methods, ...allowed.methods]);
      else urls.push({ url: allowed.url, methods: unique(allowed.methods) });
    }
    const limit = greaterLimit(current.limit, apiLimit((right as { limit?: unknown }).limit) ?? policyWide);
    into.set(right.api_id, { versions: unique([...current.versions, ...right.versions]), urls, limit });
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
      limit: withKeyWideDefaults(right.limit, combined),
      allowedUrls: right.urls.map((entry) => ({ pattern: compilePattern(entry.url), methods: new Set(entry.methods.map((method) => method.toUpperCase())) })),
    });
  }
  const { rights: _raw, ...limits } = combined;
  return { ...limits, accessRights };
}

/**
 * A per-API limit that sets only a rate (or only a quota) takes the other from the key-wide limits,
 * counted for that API alone: leaving it out never lifts a limit the key has.
 */
function withKeyWideDefaults(limit: ApiLimit | null, keyWide: Uncompiled): ApiLimit | null {
  if (limit === null) return null;
  const rate = limit.rate > 0 ? limit : { rate: keyWide.rate, per: keyWide.per };
  const quota = limit.quotaMax !== -1 ? limit : { quotaMax: keyWide.quotaMax, quotaRenewalRate: keyWide.quotaRenewalRate };
  return { rate: rate.rate, per: rate.per, quotaMax: quota.quotaMax, quotaRenewalRate: quota.quotaRenewalRate };
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
