import type { QuotaLeaseRequest } from '@portcullis/contracts';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';

/** A gateway never needs more than this many units at once; bigger asks are a bug, not a burst. */
export const MAX_LEASE_UNITS = 1_000_000;
const MAX_QUOTA = Number.MAX_SAFE_INTEGER;
const MAX_RENEWAL_SECONDS = 10 * 365 * 24 * 3600;

function integer(value: unknown, field: string, min: number, max: number, problems: ErrorDetail[]): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push({ field, message: `must be an integer from ${min} to ${max}` });
  return 0;
}

/** Checks a lease request, naming every bad field. `quota_renewal_rate` <= 0: the period never renews. */
export function checkLeaseRequest(request: Partial<QuotaLeaseRequest> | null | undefined): QuotaLeaseRequest {
  const problems: ErrorDetail[] = [];
  const identity = request?.identity;
  if (typeof identity !== 'string' || identity.length === 0 || identity.length > 512) {
    problems.push({ field: 'identity', message: 'must be a string of 1-512 characters' });
  }
  const units = integer(request?.units, 'units', 1, MAX_LEASE_UNITS, problems);
  const quotaMax = integer(request?.quota_max, 'quota_max', -1, MAX_QUOTA, problems);
  const renewal = integer(request?.quota_renewal_rate, 'quota_renewal_rate', -1, MAX_RENEWAL_SECONDS, problems);
  if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  return { identity: identity as string, units, quota_max: quotaMax, quota_renewal_rate: renewal };
}
