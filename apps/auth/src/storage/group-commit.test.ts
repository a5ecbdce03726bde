import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A write that completes only when the test says so, recording each batch it was given. */
function controlledWrites() {
  const batches: number[][] = [];
  const finish: ((error?: Error) => void)[] = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      finish.push((error) => (error ? reject(error) : resolve()));
    });
  return { batches, finish, write };
}

function settled(promise: Promise<void>): { state: 'pending' | 'done' | 'failed' } {
  const status = { state: 'pending' as 'pending' | 'done' | 'failed' };
  promise.then(
    () => (status.state = 'done'),
    () => (status.state = 'failed'),
  );
  return status;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes what was added in one turn of the event loop as one batch, and answers each only after the commit', async () => {
    const { batches, finish, write } = controlledWrites();
    const group = new GroupCommit(write, { maxBatch: 100, maxInFlight: 1 });
    const added = [1, 2, 3].map((item) => settled(group.add(item)));
    expect(batches).toEqual([]);
    await turn();
    expect(batches).toEqual([[1, 2, 3]]);
    expect(added.map((a) => a.state)).toEqual(['pending', 'pending', 'pending']);
    finish[0]!();
    await turn();
    expect(added.map((a) => a.state)).toEqual(['done', 'done', 'done']);
  });

  it('holds what arrives while every write slot is busy, then writes it together at once', async () => {
    const { batches, finish, write } = controlledWrites();
    const group = new GroupCommit(write, { maxBatch: 100, maxInFlight: 1 });
    void group.add(1);
    await turn();
    const later = [2, 3].map((item) => settled(group.add(item)));
    await turn();
    void group.add(4);
    await turn();
    expect(batches).toEqual([[1]]);
    finish[0]!();
    await expect.poll(() => batches.length).toBe(2);
    expect(batches[1]).toEqual([2, 3, 4]);
    finish[1]!();
    await expect.poll(() => later.every((a) => a.state === 'done')).toBe(true);
  });

  it('never puts more than maxBatch items in one write', async () => {
    const { batches, finish, write } = controlledWrites();
    const group = new GroupCommit(write, { maxBatch: 2, maxInFlight: 2 });
    const added = [1, 2, 3, 4, 5].map((item) => group.add(item));
    await turn();
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    finish[0]!();
    await expect.poll(() => batches.length).toBe(3);
    expect(batches[2]).toEqual([5]);
    finish[1]!();
    finish[2]!();
    await Promise.all(added);
  });

  it('rejects every item of a failed write, and only those', async () => {
    const { batches, finish, write } = controlledWrites();
    const group = new GroupCommit(write, { maxBatch: 100, maxInFlight: 2 });
    const failing = [group.add(1), group.add(2)];
    await turn();
    const next = group.add(3);
    await turn();
    expect(batches).toEqual([[1, 2], [3]]);
    finish[0]!(new Error('database down'));
    finish[1]!();
    for (const item of failing) await expect(item).rejects.toThrow('database down');
    await expect(next).resolves.toBeUndefined();
  });

  it('drains: resolves once nothing is pending or being written', async () => {
    const { finish, write } = controlledWrites();
    const group = new GroupCommit(write, { maxBatch: 100, maxInFlight: 1 });
    await group.drained();
    void group.add(1);
    const drained = settled(group.drained());
    await turn();
    expect(drained.state).toBe('pending');
    finish[0]!();
    await expect.poll(() => drained.state).toBe('done');
  });
});
