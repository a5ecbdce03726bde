import { waitFor } from './processes.mjs';

/**
 * What a target module exports (bench/targets/<name>.mjs, listed in bench/targets/index.mjs):
 *
 *   export default {
 *     name: 'my-proxy',                  // column in the results
 *     description: 'what is measured',   // one line for the report
 *     async start(ctx) { return { url, pid, stop: async () => {} }; },
 *   };
 *
 * ctx = { upstream: { url, pid }, proxyCpu, loadCpu, tmpDir, repoRoot, log(msg) }.
 * Optional: `extraServed()`, what upstreams of the target's own served (added to the bench upstream's count).
 * `url` is what the load generator hits; it must answer 200 with the upstream's body, which the
 * harness checks before measuring. `pid` is the process pinned to the proxy core (for the report).
 * Throw TargetUnavailable(reason) when the target cannot run here (missing binary, app not built):
 * the run goes on and the report says why.
 */
export class TargetUnavailable extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'TargetUnavailable';
  }
}

/** Waits for a child program that prints "listening on <port>" and returns the port. */
export async function listeningPort(proc) {
  const port = await waitFor(`${proc.name} to listen`, () => /listening on (\d+)/.exec(proc.output())?.[1], {
    process: proc,
    timeoutMs: 15_000,
  });
  return Number(port);
}
