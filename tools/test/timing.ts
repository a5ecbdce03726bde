/**
 * Timing in tests on a shared, loaded machine. Load only ever adds time: a lower bound holds under
 * load, an upper bound needs an allowance for it, measured rather than guessed.
 */

/** The fastest of `tries` runs of `action`, in ms: the closest to the action's own cost, whatever the load. */
export async function fastestRun(tries: number, action: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tries; i++) {
    const started = performance.now();
    await action();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/**
 * Runs `action` beside a plain `setTimeout(ms)` started at the same moment on the same event loop
 * (the code under test runs in this process). How late that timer fired is how long this machine
 * held timers back meanwhile, so an upper bound on the action can allow for exactly that.
 */
export async function timedBesideTimer<T>(ms: number, action: () => Promise<T>): Promise<{ result: T; elapsedMs: number; timerLatenessMs: number }> {
  const started = performance.now();
  const timer = new Promise<number>((resolve) => setTimeout(() => resolve(performance.now() - started - ms), ms));
  const result = await action();
  const elapsedMs = performance.now() - started;
  return { result, elapsedMs, timerLatenessMs: Math.max(0, await timer) };
}
