import { describe, expect, it } from 'vitest';
import { deliverWithRetry, delayBefore, defaultRetryPolicy, outcomeOfStatus, type SendOutcome } from './retry-policy.js';

/** A fake clock: sleeping only records the wait. */
function recordingSleep(waits: number[]) {
  return async (ms: number) => {
    waits.push(ms);
  };
}

describe('key-change notification retries', () => {
  it('waits 1, 2, 4, 8 and 16 s between six tries, then stops', async () => {
    const waits: number[] = [];
    const tries: number[] = [];
    const result = await deliverWithRetry(async (attempt) => (tries.push(attempt), 'retry'), recordingSleep(waits), new AbortController().signal);
    expect(result).toEqual({ outcome: 'exhausted', attempts: 6 });
    expect(tries).toEqual([1, 2, 3, 4, 5, 6]);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('stops at the first delivery, sending at once the first time', async () => {
    const waits: number[] = [];
    const answers: SendOutcome[] = ['retry', 'retry', 'delivered', 'retry'];
    const result = await deliverWithRetry(async (attempt) => answers[attempt - 1]!, recordingSleep(waits), new AbortController().signal);
    expect(result).toEqual({ outcome: 'delivered', attempts: 3 });
    expect(waits).toEqual([1_000, 2_000]);
  });

  it('counts a thrown send (network error) as worth retrying', async () => {
    let calls = 0;
    const result = await deliverWithRetry(
      async () => {
        calls++;
        if (calls === 1) throw new Error('ECONNREFUSED');
        return 'delivered';
      },
      recordingSleep([]),
      new AbortController().signal,
    );
    expect(result).toEqual({ outcome: 'delivered', attempts: 2 });
  });

  it('gives up on an answer that retrying cannot change', async () => {
    const result = await deliverWithRetry(async () => 'give-up', recordingSleep([]), new AbortController().signal);
    expect(result).toEqual({ outcome: 'gave-up', attempts: 1 });
  });

  it('drops the notification when shutting down mid-wait', async () => {
    const stop = new AbortController();
    let calls = 0;
    const result = await deliverWithRetry(
      async () => (calls++, 'retry'),
      async (_ms, signal) => {
        stop.abort();
        signal.throwIfAborted();
      },
      stop.signal,
    );
    expect(result).toEqual({ outcome: 'cancelled', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('maps HTTP statuses to outcomes', () => {
    expect([200, 204, 301, 400, 401, 404, 408, 429, 500, 503].map(outcomeOfStatus)).toEqual([
      'delivered',
      'delivered',
      'give-up',
      'give-up',
      'give-up',
      'give-up',
      'retry',
      'retry',
      'retry',
      'retry',
    ]);
    expect(delayBefore(1, defaultRetryPolicy)).toBe(0);
  });
});
