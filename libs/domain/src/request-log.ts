import type { ErrorDetail } from '@portcullis/errors';

/** Which requests of an API are kept one by one (request logs), beside the aggregates every request goes into. */
export interface RequestLogSettings {
  /** The fraction of requests kept, 0..1 (1: every one, Tyk's enable_detailed_recording). */
  sampleRate: number;
  /** Every answer with a status of 400 or more is kept, whatever the sampling. */
  errors: boolean;
}

/**
 * Tyk's `enable_detailed_recording` (every request) and Portcullis' `portcullis_request_log`
 * (`sample_rate` 0..1, `errors` true): null when the API asks for no request log, so it pays nothing.
 */
export function readRequestLog(definition: Record<string, unknown>): { value: RequestLogSettings | null; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const detailed = definition.enable_detailed_recording;
  if (detailed !== undefined && detailed !== null && typeof detailed !== 'boolean')
    errors.push({ field: 'enable_detailed_recording', message: 'must be a boolean' });
  let sampleRate = detailed === true ? 1 : 0;
  let onErrors = false;
  const raw = definition.portcullis_request_log;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push({ field: 'portcullis_request_log', message: 'must be an object' });
    } else {
      const { sample_rate: rate, errors: flag, ...rest } = raw as Record<string, unknown>;
      for (const key of Object.keys(rest)) errors.push({ field: `portcullis_request_log.${key}`, message: 'is not a known setting (sample_rate, errors)' });
      if (rate !== undefined) {
        if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
          errors.push({ field: 'portcullis_request_log.sample_rate', message: 'must be a number from 0 to 1' });
        else sampleRate = Math.max(sampleRate, rate);
      }
      if (flag !== undefined) {
        if (typeof flag !== 'boolean') errors.push({ field: 'portcullis_request_log.errors', message: 'must be a boolean' });
        else onErrors = flag;
      }
    }
  }
  if (errors.length > 0 || (sampleRate === 0 && !onErrors)) return { value: null, errors };
  return { value: { sampleRate, errors: onErrors }, errors };
}
