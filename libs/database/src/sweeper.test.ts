import type { DataSource } from 'typeorm';
import { describe, expect, it, vi } from 'vitest';
import { sweeper } from './sweeper.js';

describe('sweeper', () => {
  it('deletes at most once per interval, and a failed sweep neither throws nor stops the next', async () => {
    const query = vi.fn().mockRejectedValueOnce(new Error('connection lost')).mockResolvedValue([]);
    const sweep = sweeper({ query } as unknown as DataSource, () => 'DELETE FROM t WHERE old', [1], 60_000);
    sweep(1_000_000);
    sweep(1_030_000);
    await Promise.resolve();
    expect(query).toHaveBeenCalledTimes(1);
    sweep(1_060_000);
    expect(query).toHaveBeenCalledTimes(2);
    expect(query).toHaveBeenLastCalledWith('DELETE FROM t WHERE old', [1]);
  });
});
