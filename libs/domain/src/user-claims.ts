import { z } from 'zod';
import type { ValidationResult } from './api-definition.js';
import { isHttpUrl, toDetails } from './validation.js';

/**
 * A user's OpenID Connect standard claims (OIDC Core §5.1), as an admin sets them and the auth
 * service serves them (userinfo, ID Tokens). `sub` is the user's id and `updated_at` the time of the
 * last change: neither is set by hand.
 */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const url = z.string().max(2048).refine(isHttpUrl, 'must be an http or https URL');

/** OIDC Core §5.1: YYYY-MM-DD or YYYY alone; 0000 as the year when it is withheld. */
const birthdatePattern = /^(\d{4})(?:-(\d{2})-(\d{2}))?$/;
function isBirthdate(value: string): boolean {
  const match = birthdatePattern.exec(value);
  if (!match) return false;
  if (match[2] === undefined) return match[1] !== '0000';
  // A real calendar day (a leap year stands in for a withheld one, so 0000-02-29 passes).
  const year = match[1] === '0000' ? 2000 : Number(match[1]);
  const day = new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3])));
  return day.getUTCMonth() === Number(match[2]) - 1 && day.getUTCDate() === Number(match[3]);
}

/** An IANA time zone name (OIDC Core §5.1 zoneinfo), as this runtime's tz database knows them. */
function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A BCP 47 language tag (OIDC Core §5.1 locale); well-formed is what Intl can check. */
function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/** E.164 (OIDC Core §5.1 RECOMMENDS it), with an RFC 3966 extension. */
const phonePattern = /^\+[1-9]\d{1,14}(?:;ext=\d{1,10})?$/;

export const addressClaimSchema = z
  .object({
    formatted: text(1024).optional(),
    street_address: text(1024).optional(),
    locality: text(256).optional(),
    region: text(256).optional(),
    postal_code: text(64).optional(),
    country: text(256).optional(),
  })
  .strict()
  .refine((address) => Object.keys(address).length > 0, 'must have at least one member');

export const standardClaimsSchema = z
  .object({
    name: text(256).optional(),
    given_name: text(256).optional(),
    family_name: text(256).optional(),
    middle_name: text(256).optional(),
    nickname: text(256).optional(),
    preferred_username: text(256).optional(),
    profile: url.optional(),
    picture: url.optional(),
    website: url.optional(),
    email: z.email('must be an e-mail address').max(320).optional(),
    email_verified: z.boolean().optional(),
    gender: text(64).optional(),
    birthdate: z.string().refine(isBirthdate, 'must be YYYY-MM-DD or YYYY (0000 for a withheld year)').optional(),
    zoneinfo: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Paris').optional(),
    locale: z.string().max(64).refine(isLanguageTag, 'must be a BCP 47 language tag, e.g. en-US').optional(),
    phone_number: z
      .string()
      .refine((value) => phonePattern.test(value), 'must be an E.164 number, e.g. +14155550100 (;ext=123 allowed)')
      .optional(),
    phone_number_verified: z.boolean().optional(),
    address: addressClaimSchema.optional(),
  })
  .strict();

export type StandardClaims = z.output<typeof standardClaimsSchema>;
export type StandardClaimName = keyof StandardClaims;

export const standardClaimNames = Object.keys(standardClaimsSchema.shape) as StandardClaimName[];

/**
 * A change to a user's claims, as JSON merge patch (RFC 7396) would make it: a claim given replaces
 * the old value (an address whole), `null` removes it, a claim left out stays.
 */
export type StandardClaimsPatch = { [K in StandardClaimName]?: StandardClaims[K] | null };

export const standardClaimsPatchSchema = z
  .object(Object.fromEntries(standardClaimNames.map((name) => [name, standardClaimsSchema.shape[name].unwrap().nullable().optional()])))
  .strict() as unknown as z.ZodType<StandardClaimsPatch>;

export function validateStandardClaims(input: unknown): ValidationResult<StandardClaims> {
  const result = standardClaimsSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toDetails(result.error) };
}

export function validateStandardClaimsPatch(input: unknown): ValidationResult<StandardClaimsPatch> {
  const result = standardClaimsPatchSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toDetails(result.error) };
}

/** The claims after a patch: nulls removed, others replaced. */
export function applyClaimsPatch(current: StandardClaims, patch: StandardClaimsPatch): StandardClaims {
  const next: Record<string, unknown> = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete next[name];
    else if (value !== undefined) next[name] = value;
  }
  return next as StandardClaims;
}
