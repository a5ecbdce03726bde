import { inspect } from 'node:util';

/** Thrown from a waitFor condition to give up at once (e.g. the process it waits for has died). */
export class StopWaiting extends Error {}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What was awaited, for the timeout message. */
  message?: string;
}

/**
 * Polls `condition` until it returns something other than false/undefined/null (which is
 * returned), with a deadline. A throw counts as "not yet", except StopWaiting; on timeout the
 * last error is part of the message.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, false | null | undefined>> {
  const { timeoutMs = 5_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== false && value !== null && value !== undefined) return value as Exclude<T, false | null | undefined>;
      lastError = undefined;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `; last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.message ?? 'a condition'}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
