import { z } from 'zod';
import type { ValidationResult } from './api-definition.js';
import { toDetails } from './validation.js';

/**
 * Access rights and limits, in Tyk's shape: a policy (`policies.json`, `/tyk/policies`) and a key's
 * session carry the same fields, so a key can have its own limits or take them from its policies.
 * Fields Tyk has that we do not act on yet are kept (`passthrough`).
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
  access_rights: z.record(identifier, accessRightSchema).default({}),
  tags: z.array(z.string().max(128)).max(64).default([]),
};

export const policySchema = z
  .object({
    /** Tyk's `id` (older files use `_id`); generated when absent. */
    id: identifier.optional(),
    name: z.string().trim().min(1).max(256),
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

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema> & { id: string };
export type AccessRight = z.output<typeof accessRightSchema>;

export function validatePolicy(input: unknown): ValidationResult<z.output<typeof policySchema>> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const result = policySchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toDetails(result.error) };
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
    basic_auth_data: z.object({ password: z.string().min(1).max(512) }).passthrough().optional(),
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
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toDetails(result.error) };
}
