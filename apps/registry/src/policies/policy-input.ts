import { validatePolicy, type Policy } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { randomBytes } from 'node:crypto';

/** A new policy id when the caller gives none: 32 hex characters, as for APIs. */
export function newPolicyId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Tyk's older files and its Dashboard name a policy by `_id`; Tyk's own API uses `id`. Given only
 * `_id`, it becomes the `id` (and is not kept twice).
 */
export function withLegacyId(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const { _id: legacy, ...rest } = input as Record<string, unknown>;
  if (legacy === undefined || rest.id !== undefined) return input;
  return { ...rest, id: legacy };
}

type PolicyCheck = { ok: true; value: Policy } | { ok: false; errors: ErrorDetail[] };

/**
 * Validates a submitted policy, every error at once. With `urlId` (an update), the id in the URL
 * wins and a different id in the body is reported; otherwise an absent id is generated.
 */
export function checkPolicy(input: unknown, urlId?: string): PolicyCheck {
  const normalised = withLegacyId(input);
  const result = validatePolicy(normalised);
  const errors: ErrorDetail[] = result.ok ? [] : [...result.errors];
  if (urlId !== undefined && errors.every((error) => error.field !== 'id')) {
    const bodyId = (normalised as { id?: unknown } | null)?.id;
    if (bodyId !== undefined && bodyId !== urlId) {
      errors.push({ field: 'id', message: `must match the id in the URL (${JSON.stringify(urlId)}), got ${JSON.stringify(bodyId)}` });
    }
  }
  if (errors.length > 0 || !result.ok) return { ok: false, errors };
  const { id, ...fields } = result.value;
  return { ok: true, value: { ...fields, id: urlId ?? id ?? newPolicyId() } };
}

export function validPolicy(input: unknown, urlId?: string): Policy {
  const checked = checkPolicy(input, urlId);
  if (!checked.ok) throw new PortcullisError('validation_failed', undefined, checked.errors);
  return checked.value;
}
