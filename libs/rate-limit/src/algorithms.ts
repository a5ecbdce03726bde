import type { Algorithm } from './algorithm.js';
import { gcra } from './gcra.js';
import type { AlgorithmName } from './rule.js';
import { slidingWindow } from './sliding-window.js';

/** Every algorithm, registered once; limiters dispatch on `rule.algorithm` with `Map.get`. */
export const algorithms: ReadonlyMap<AlgorithmName, Algorithm> = new Map<AlgorithmName, Algorithm>([
  [gcra.name, gcra],
  [slidingWindow.name, slidingWindow],
]);
