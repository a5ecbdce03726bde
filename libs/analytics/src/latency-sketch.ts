import type { LatencyBins } from '@portcullis/contracts';

/**
 * The sketch's relative error α: every quantile it answers is within ±1 % of the exact value
 * (the latency of the request at that rank), whatever the distribution, for latencies of at least
 * LATENCY_SKETCH_MIN_MS. The logarithmic bins of DDSketch (Masson, Rim, Lee, VLDB 2019): bin i holds
 * the values in (γ^(i-1), γ^i], and answers 2γ^i / (γ + 1), at most α away from any value in it.
 */
export const LATENCY_SKETCH_RELATIVE_ERROR = 0.01;
/** Values below this (sub-microsecond) share the first bin: no real latency is that small. */
export const LATENCY_SKETCH_MIN_MS = 0.001;

const GAMMA = (1 + LATENCY_SKETCH_RELATIVE_ERROR) / (1 - LATENCY_SKETCH_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);

/** The bin of a latency in milliseconds. */
export function latencyBin(ms: number): number {
  return Math.ceil(Math.log(ms > LATENCY_SKETCH_MIN_MS ? ms : LATENCY_SKETCH_MIN_MS) / LOG_GAMMA);
}

/** The value a bin stands for: within α of every value the bin holds. */
export function latencyBinValue(bin: number): number {
  return (2 * GAMMA ** bin) / (GAMMA + 1);
}

/**
 * A latency distribution as counts per bin: adding is a log and a Map update; sketches merge by
 * adding counts, so windows, gateways and time buckets combine without losing the error bound.
 */
export class LatencySketch {
  private readonly bins = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(ms: number, times = 1): void {
    const bin = latencyBin(ms);
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + times);
    this.total += times;
  }

  /** Adds another sketch's counts (serialised or live). */
  merge(other: LatencySketch | LatencyBins): void {
    const entries = other instanceof LatencySketch ? other.bins.entries() : Object.entries(other).map(([bin, n]) => [Number(bin), n] as const);
    for (const [bin, n] of entries) {
      this.bins.set(bin, (this.bins.get(bin) ?? 0) + n);
      this.total += n;
    }
  }

  /**
   * The value at quantile q (0..1), by nearest rank: that of the ⌈q·n⌉-th request in ascending
   * order (the first for q = 0), within LATENCY_SKETCH_RELATIVE_ERROR. 0 for an empty sketch.
   */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(0, Math.ceil(q * this.total) - 1);
    const sorted = [...this.bins.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const bin of sorted) {
      seen += this.bins.get(bin)!;
      if (seen > rank) return latencyBinValue(bin);
    }
    return latencyBinValue(sorted.at(-1)!);
  }

  toJSON(): LatencyBins {
    const out: LatencyBins = {};
    for (const [bin, n] of this.bins) out[bin] = n;
    return out;
  }

  static from(bins: LatencyBins): LatencySketch {
    const sketch = new LatencySketch();
    sketch.merge(bins);
    return sketch;
  }
}
