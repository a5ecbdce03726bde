/**
 * How a key-change notification is retried: the first try at once, then after 1, 2, 4, 8 and 16 s
 * (six tries over about half a minute), stopping at the first delivery or at an answer that retrying
 * cannot change. The clock and the sender are injected, so the policy is tested without waiting.
 */

export type SendOutcome = 'delivered' | 'retry' | 'give-up';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** The wait before the second try; each later wait doubles it. */
  readonly firstDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, firstDelayMs: 1_000 };

/** The wait before try number `attempt` (1-based; the first try has none). */
export function delayBefore(attempt: number, policy: RetryPolicy): number {
  return attempt <= 1 ? 0 : policy.firstDelayMs * 2 ** (attempt - 2);
}

export interface DeliveryResult {
  outcome: 'delivered' | 'gave-up' | 'exhausted' | 'cancelled';
  attempts: number;
}

/**
 * Runs `send` until it delivers, gives up, or the tries run out. `sleep` rejects (or `signal` is
 * aborted) when the service shuts down: the notification is then dropped, never left holding it open.
 */
export async function deliverWithRetry(
  send: (attempt: number) => Promise<SendOutcome>,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<DeliveryResult> {
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const wait = delayBefore(attempt, policy);
    if (wait > 0) {
      try {
        await sleep(wait, signal);
      } catch {
        return { outcome: 'cancelled', attempts: attempt - 1 };
      }
    }
    if (signal.aborted) return { outcome: 'cancelled', attempts: attempt - 1 };
    const outcome = await send(attempt).catch((): SendOutcome => 'retry');
    if (outcome === 'delivered') return { outcome: 'delivered', attempts: attempt };
    if (outcome === 'give-up') return { outcome: 'gave-up', attempts: attempt };
  }
  return { outcome: 'exhausted', attempts: policy.attempts };
}

/** 2xx delivered; 408, 429 and 5xx may pass; any other answer will not change by asking again. */
export function outcomeOfStatus(status: number): SendOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'give-up';
}
