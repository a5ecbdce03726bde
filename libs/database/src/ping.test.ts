import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
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
    const started = Date.now();
    expect(await databaseAnswers(answering(() => new Promise(() => undefined)), 50)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
