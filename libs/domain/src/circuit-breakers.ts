import type { ErrorDetail } from '@portcullis/errors';

/**
 * Tyk's `extended_paths.circuit_breakers` entry, read once for definition validation (each bad field
 * named) and for the gateway's compilation, so both agree on what an entry means.
 */
export interface CircuitBreakerSpec {
  readonly path: string;
  /** Upper case; '' for every method. */
  readonly method: string;
  /** Tyk's `threshold_percent`: the failure share (0 < x ≤ 1) of the last `samples` that trips it. */
  readonly thresholdPercent: number;
  readonly samples: number;
  /** Seconds open before a request is let through again. */
  readonly returnToServiceAfter: number;
  /** Tyk's `disable_half_open_state`: after the wait, closed at once instead of one trial request. */
  readonly disableHalfOpenState: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One entry, or null with its problems pushed to `errors` (`at` is its field). */
export function readCircuitBreaker(entry: unknown, at: string, errors: ErrorDetail[]): CircuitBreakerSpec | null {
  if (!isObject(entry)) {
    errors.push({ field: at, message: 'must be an object' });
    return null;
  }
  const before = errors.length;
  const { path, method, threshold_percent: threshold, samples, return_to_service_after: wait, disable_half_open_state: halfOpen } = entry;
  if (typeof path !== 'string' || path === '') errors.push({ field: `${at}.path`, message: 'must be a non-empty path' });
  else {
    try {
      new RegExp(path.replace(/\{[^/}]*\}/g, '[^/]+'));
    } catch {
      errors.push({ field: `${at}.path`, message: 'must be a valid regular expression' });
    }
  }
  if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z]{0,16}$/.test(method)))
    errors.push({ field: `${at}.method`, message: 'must be an HTTP method' });
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
    errors.push({ field: `${at}.threshold_percent`, message: 'must be a share above 0 and at most 1 (0.5 is 50 %)' });
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1 || samples > 100_000)
    errors.push({ field: `${at}.samples`, message: 'must be a whole number from 1 to 100000' });
  if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0 || wait > 86_400)
    errors.push({ field: `${at}.return_to_service_after`, message: 'must be seconds from 0 to 86400' });
  if (halfOpen !== undefined && typeof halfOpen !== 'boolean') errors.push({ field: `${at}.disable_half_open_state`, message: 'must be a boolean' });
  if (errors.length > before) return null;
  return {
    path: path as string,
    method: typeof method === 'string' ? method.toUpperCase() : '',
    thresholdPercent: threshold as number,
    samples: samples as number,
    returnToServiceAfter: wait as number,
    disableHalfOpenState: halfOpen === true,
  };
}

/** Every `version_data.versions.*.extended_paths.circuit_breakers` problem, by field. */
export function circuitBreakerErrors(definition: Record<string, unknown>): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const data = definition.version_data;
  if (!isObject(data) || !isObject(data.versions)) return errors;
  for (const [name, version] of Object.entries(data.versions)) {
    if (!isObject(version) || !isObject(version.extended_paths)) continue;
    const entries = version.extended_paths.circuit_breakers;
    if (entries === undefined || entries === null) continue;
    const at = `version_data.versions.${name}.extended_paths.circuit_breakers`;
    if (!Array.isArray(entries)) {
      errors.push({ field: at, message: 'must be an array' });
      continue;
    }
    entries.forEach((entry, index) => {
      if (isObject(entry) && entry.disabled === true) return;
      readCircuitBreaker(entry, `${at}.${index}`, errors);
    });
  }
  return errors;
}
