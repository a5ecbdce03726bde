import { describe, expect, it } from 'vitest';
import { readRequestLog } from './request-log.js';

describe('readRequestLog', () => {
  it('is null when the API asks for no request log, so it costs nothing', () => {
    expect(readRequestLog({})).toEqual({ value: null, errors: [] });
    expect(readRequestLog({ enable_detailed_recording: false, portcullis_request_log: { sample_rate: 0 } })).toEqual({ value: null, errors: [] });
  });

  it("reads Tyk's enable_detailed_recording as every request, and Portcullis' sampling and errors", () => {
    expect(readRequestLog({ enable_detailed_recording: true }).value).toEqual({ sampleRate: 1, errors: false });
    expect(readRequestLog({ portcullis_request_log: { sample_rate: 0.25, errors: true } }).value).toEqual({ sampleRate: 0.25, errors: true });
    expect(readRequestLog({ portcullis_request_log: { errors: true } }).value).toEqual({ sampleRate: 0, errors: true });
  });

  it('names every bad setting', () => {
    const { value, errors } = readRequestLog({ enable_detailed_recording: 'yes', portcullis_request_log: { sample_rate: 2, errors: 1, every: true } });
    expect(value).toBeNull();
    expect(errors.map((e) => e.field).sort()).toEqual([
      'enable_detailed_recording',
      'portcullis_request_log.errors',
      'portcullis_request_log.every',
      'portcullis_request_log.sample_rate',
    ]);
    expect(readRequestLog({ portcullis_request_log: [] }).errors).toEqual([{ field: 'portcullis_request_log', message: 'must be an object' }]);
  });
});
