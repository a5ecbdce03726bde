import { describe, expect, it } from 'vitest';
import { LATENCY_SKETCH_RELATIVE_ERROR, LatencySketch } from './latency-sketch.js';
import { seededRandom } from '../../../tools/test/seeded-random.js';

/** The exact value the sketch promises to approximate: the nearest rank, ⌈q·n⌉-th of the sorted values. */
function exact(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

const distributions: Record<string, (next: () => number) => number> = {
  uniform: (next) => 0.05 + next() * 200,
  lognormal: (next) => Math.exp(1 + 1.5 * Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next())),
  bimodal: (next) => (next() < 0.9 ? 1 + next() : 800 + next() * 400),
};

describe('LatencySketch', () => {
  for (const [name, draw] of Object.entries(distributions)) {
    it(`answers every percentile within its stated relative error (${name}, merged from parts)`, () => {
      const next = seededRandom(name.length * 7919);
      const values = Array.from({ length: 20_000 }, () => draw(next));
      // Built in four parts and merged (one through its serialised form), as windows and buckets are.
      const parts = [0, 1, 2, 3].map(() => new LatencySketch());
      values.forEach((v, i) => parts[i % 4]!.add(v));
      const sketch = new LatencySketch();
      sketch.merge(parts[0]!);
      sketch.merge(parts[1]!.toJSON());
      sketch.merge(LatencySketch.from(parts[2]!.toJSON()));
      sketch.merge(parts[3]!);
      expect(sketch.count).toBe(values.length);
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
        const truth = exact(sorted, q);
        expect(Math.abs(sketch.quantile(q) - truth) / truth, `q=${q}`).toBeLessThanOrEqual(LATENCY_SKETCH_RELATIVE_ERROR + 1e-12);
      }
    });
  }

  it('answers 0 when empty, and keeps sub-microsecond latencies in its first bin', () => {
    expect(new LatencySketch().quantile(0.5)).toBe(0);
    const sketch = new LatencySketch();
    sketch.add(0);
    sketch.add(0.0001);
    expect(sketch.quantile(1)).toBeLessThan(0.0011);
    expect(Object.keys(sketch.toJSON())).toHaveLength(1);
  });
});
