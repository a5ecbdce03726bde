import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('hands entries back oldest first, across the wrap-around', () => {
    const ring = new RingBuffer<number>(3);
    ring.push(1);
    ring.push(2);
    expect(ring.take(1)).toEqual([1]);
    ring.push(3);
    ring.push(4);
    expect(ring.size).toBe(3);
    expect(ring.take(10)).toEqual([2, 3, 4]);
    expect(ring.size).toBe(0);
    expect(ring.take(5)).toEqual([]);
  });

  it('drops the oldest entry when full, and says so', () => {
    const ring = new RingBuffer<number>(2);
    expect(ring.push(1)).toBe(false);
    expect(ring.push(2)).toBe(false);
    expect(ring.push(3)).toBe(true);
    expect(ring.push(4)).toBe(true);
    expect(ring.take(2)).toEqual([3, 4]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});
