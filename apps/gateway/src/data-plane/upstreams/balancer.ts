import type { Dispatcher } from 'undici';
import type { PathRewrite } from '../forwarding.js';
import type { TargetHealth } from './target-health.js';

/** One entry of proxy.target_list, compiled: where it sends and how its path is built. */
export interface UpstreamTarget {
  readonly origin: string;
  readonly pool: Dispatcher;
  /** Which pool of UpstreamPools it uses (see poolKey): kept open across configuration swaps. */
  readonly poolKey: string;
  readonly rewrite: PathRewrite;
  readonly health: TargetHealth;
}

/**
 * Tyk's load balancing: round robin over target_list in its order, a target listed n times taking
 * n turns (Tyk's weighting by repetition). Targets taken out by health checks are skipped.
 */
export class TargetBalancer {
  private cursor = 0;

  constructor(readonly targets: readonly UpstreamTarget[]) {}

  /** The next healthy target; null when every target is out. */
  next(): UpstreamTarget | null {
    const targets = this.targets;
    for (let tried = 0; tried < targets.length; tried++) {
      const target = targets[this.cursor]!;
      this.cursor = this.cursor + 1 === targets.length ? 0 : this.cursor + 1;
      if (target.health.healthy) return target;
    }
    return null;
  }

  /** For a retry: the next healthy target on another origin than `failed`; null if there is none. */
  other(failed: UpstreamTarget): UpstreamTarget | null {
    const targets = this.targets;
    for (let tried = 0; tried < targets.length; tried++) {
      const target = this.next();
      if (target === null) return null;
      if (target.origin !== failed.origin) return target;
    }
    return null;
  }
}
