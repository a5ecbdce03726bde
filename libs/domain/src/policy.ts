import { z } from 'zod';
import type { ValidationResult } from './api-definition.js';
import type { ErrorDetail } from '@portcullis/errors';
import { isSet } from './tyk-compatibility.js';
import { toDetails } from './validation.js';

/**
 * Access rights and limits, in Tyk's shape: a policy (`policies.json`, `/tyk/policies`) and a key's
 * session carry the same fields, so a key can have its own limits or take them from its policies.
 * Every field of Tyk's policy object is accepted. Those Portcullis does not act on are kept as sent
 * (`passthrough`) when they cannot widen access; those that would restrict access and are not
 * enforced yet (per-endpoint limits, HTTP signature validation) refuse the policy,
 * named with "not supported" (`unsupportedPolicyFields`), so a policy never grants more than in Tyk.
 * GraphQL-only fields (`restricted_types`, `allowed_types`, `field_access_rights`,
 * `disable_introspection`, `max_query_depth`, `graphql_access_rights`) are kept: Tyk applies them to
 * GraphQL APIs only, and Portcullis refuses GraphQL API definitions, so they can never apply.
 */

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$/, 'must be 1-128 characters of letters, digits, . _ ~ : -');
const httpMethod = z.string().regex(/^[A-Z]{3,10}$/, 'must be an HTTP method in upper case, e.g. GET');

/** One allowed path (a Tyk regex, matched against the path below the listen path) and its methods. */
export const allowedUrlSchema = z
  .object({
    url: z.string().min(1).max(1024),
    methods: z.array(httpMethod).max(16).default([]),
  })
  .passthrough();

/** What a policy or key may do on one API; no entry for an API means no access to it. */
export const accessRightSchema = z
  .object({
    /** Tyk's files often leave it out: the access-rights map key names the API (filled in from it). */
    api_id: identifier,
    api_name: z.string().max(256).default(''),
    versions: z.array(z.string().max(128)).max(64).default([]),
    allowed_urls: z.array(allowedUrlSchema).max(256).default([]),
  })
  .passthrough();

/**
 * The limits both carry. Tyk's conventions: `rate` requests per `per` seconds (rate 0 or -1: no
 * limit); `quota_max` requests per `quota_renewal_rate` seconds (-1: no quota).
 */
const limitFields = {
  rate: z.number().min(-1).default(0),
  per: z.number().min(0).default(0),
  quota_max: z.number().int().min(-1).default(-1),
  quota_renewal_rate: z.number().int().min(-1).default(-1),
  access_rights: z.preprocess(withApiIdsFromKeys, z.record(identifier, accessRightSchema).default({})),
  tags: z.preprocess(nullIsUnset, z.array(z.string().max(128)).max(64).default([])),
};

function nullIsUnset(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** Tyk keys access rights by API id and reads the key, so an absent or empty `api_id` is the key. */
function withApiIdsFromKeys(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([apiId, right]) => {
      if (right === null || typeof right !== 'object' || Array.isArray(right)) return [apiId, right];
      const given = (right as { api_id?: unknown }).api_id;
      return [apiId, given === undefined || given === '' ? { ...right, api_id: apiId } : right];
    }),
  );
}

export const policySchema = z
  .object({
    /** Tyk's `id` (older files use `_id`); generated when absent. */
    id: identifier.optional(),
    /** Optional in Tyk (its file-based policies often have none; exports write ""). */
    name: z.string().trim().max(256).default(''),
    org_id: z.string().max(256).default(''),
    ...limitFields,
    /** Seconds a key created with this policy lives; 0 means it does not expire. */
    key_expires_in: z.number().int().min(0).default(0),
    is_inactive: z.boolean().default(false),
  })
  .passthrough()
  .superRefine((policy, ctx) => {
    for (const [apiId, right] of Object.entries(policy.access_rights)) {
      if (right.api_id !== apiId) ctx.addIssue({ code: 'custom', path: ['access_rights', apiId, 'api_id'], message: 'must equal its key in access_rights' });
    }
    if (policy.rate > 0 && policy.per <= 0) ctx.addIssue({ code: 'custom', path: ['per'], message: 'must be positive when rate is set' });
  });

/**
 * The fields of a policy (or a key's session) that would restrict access in Tyk and that Portcullis
 * does not enforce yet: each refuses it, so it never grants more than Tyk would.
 */
export function unsupportedPolicyFields(input: unknown): ErrorDetail[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
  const policy = input as Record<string, unknown>;
  const found: ErrorDetail[] = [];
  if (policy.enable_http_signature_validation === true)
    found.push({ field: 'enable_http_signature_validation', message: 'not supported: HTTP signature validation is not enforced by Portcullis yet' });
  const rights = policy.access_rights;
  if (rights !== null && typeof rights === 'object' && !Array.isArray(rights)) {
    for (const [apiId, right] of Object.entries(rights as Record<string, unknown>)) {
      if (right === null || typeof right !== 'object') continue;
      // access_rights.<api>.limit is enforced: the API gets its own limit and counters (combine-policies.ts).
      const { endpoints } = right as { endpoints?: unknown };
      if (isSet(endpoints))
        found.push({ field: `access_rights.${apiId}.endpoints`, message: 'not supported: per-endpoint rate limits are not enforced by Portcullis yet' });
    }
  }
  return found;
}

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema> & { id: string };
export type AccessRight = z.output<typeof accessRightSchema>;

export function validatePolicy(input: unknown): ValidationResult<z.output<typeof policySchema>> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const result = policySchema.safeParse(input);
  const errors = [...(result.success ? [] : toDetails(result.error)), ...unsupportedPolicyFields(input)];
  if (errors.length > 0 || !result.success) return { ok: false, errors };
  return { ok: true, value: result.data };
}

/**
 * A key's session, Tyk's shape: its own limits and access rights, or the policies it applies
 * (`apply_policies`), which then set them. `expires` is seconds since the epoch (0: never).
 */
export const sessionSchema = z
  .object({
    ...limitFields,
    org_id: z.string().max(256).default(''),
    apply_policies: z.array(identifier).max(64).default([]),
    expires: z.number().int().min(-1).default(0),
    is_inactive: z.boolean().default(false),
    alias: z.string().max(256).optional(),
    meta_data: z.record(z.string(), z.unknown()).default({}),
    /** Basic-auth keys: the password (hashed by the auth service on the way in, never returned). */
    basic_auth_data: z
      .object({ password: z.string().min(1).max(512) })
      .passthrough()
      .optional(),
    /** HMAC-signed requests (Tyk's enable_signature_checking): the key's shared secret is generated. */
    hmac_enabled: z.boolean().default(false),
  })
  .passthrough();

export type SessionInput = z.input<typeof sessionSchema>;
export type Session = z.output<typeof sessionSchema>;

export function validateSession(input: unknown): ValidationResult<Session> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const result = sessionSchema.safeParse(input);
  const errors = [...(result.success ? [] : toDetails(result.error)), ...unsupportedPolicyFields(input)];
  if (errors.length > 0 || !result.success) return { ok: false, errors };
  return { ok: true, value: result.data };
}
