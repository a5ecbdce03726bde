import { PortcullisError } from '@portcullis/errors';

/**
 * The little the registry checks itself before forwarding to the auth service, which validates
 * every field: only what it must know to build the bus request, so the auth service's field-level
 * errors reach the caller unchanged.
 */

/** A JSON body that must be an object; `optional` takes an absent body as `{}`. */
export function jsonObject(body: unknown, options: { optional?: boolean } = {}): Record<string, unknown> {
  if (body === undefined && options.optional) return {};
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new PortcullisError('validation_failed', undefined, [{ field: '(body)', message: 'must be a JSON object' }]);
}

/** An optional query parameter given at most once (`?a=1&a=2` arrives as an array). */
export function optionalQueryString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  throw new PortcullisError('validation_failed', undefined, [{ field, message: 'must be given once, not empty' }]);
}
