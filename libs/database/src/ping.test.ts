import type { DataSource } from 'typeorm';
import { describe, expect, it, vi } from 'vitest';
import { databaseAnswers } from './ping.js';

const answering = (query: () => Promise<unknown>) => ({ query }) as unknown as DataSource;

describe('databaseAnswers', () => {
  it('is true when SELECT 1 answers', async () => {
    expect(await databaseAnswers(answering(async () => [{ '?column?': 1 }]))).toBe(true);
  });
  it('is false when the query fails', async () => {
    expect(await databaseAnswers(answering(async () => Promise.reject(new Error('connection refused'))))).toBe(false);
  });
  it('is false at the deadline when the query never answers (a stuck pool)', async () => {
    // The deadline on a clock of the test's own: exactly when, however loaded the machine.
    vi.useFakeTimers();
    try {
      let answer: boolean | undefined;
      void databaseAnswers(
        answering(() => new Promise(() => undefined)),
        50,
      ).then((value) => (answer = value));
      await vi.advanceTimersByTimeAsync(49);
      expect(answer).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(answer).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
