import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { KeyChangeNotifications } from '@portcullis/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { deliverWithRetry, outcomeOfStatus, type SendOutcome } from './retry-policy.js';

/** Tyk's key-change notification body (its `NewClientNotification` / `NotificationsOAuthKeyChange`). */
export interface KeyChangeNotification {
  auth_code: string;
  new_oauth_token: string;
  refresh_token: string;
  old_refresh_token: string;
  notification_type: 'new' | 'refresh';
}

/** Each try gets this long to be answered; a slow receiver must not pile up open requests. */
const ATTEMPT_TIMEOUT_MS = 5_000;

/**
 * Tells an API's owner about new and refreshed tokens, as Tyk does: a POST to
 * `oauth_on_keychange_url` with `X-Tyk-Shared-Secret`. Fire and forget: the token response never
 * waits for it. Retried with backoff (retry-policy.ts). The body carries tokens, so nothing of it is
 * ever logged: only where it went and how it ended.
 */
@Injectable()
export class KeyChangeNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger(KeyChangeNotifier.name);
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  notify(target: KeyChangeNotifications, notification: KeyChangeNotification): void {
    if (this.stopping.signal.aborted) return;
    const body = JSON.stringify(notification);
    const where = safeOrigin(target.oauth_on_keychange_url);
    const delivery = deliverWithRetry((attempt) => this.send(target, body, attempt, where), wait, this.stopping.signal).then(
      (result) => {
        if (result.outcome === 'delivered') this.logger.debug(`key-change notification delivered to ${where} (try ${result.attempts})`);
        else this.logger.warn(`key-change notification to ${where} not delivered: ${result.outcome} after ${result.attempts} tries`);
      },
      (error: unknown) => this.logger.error(`key-change notification to ${where} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.inFlight.add(delivery);
    // Only bookkeeping: delivery's failure is already logged above, so this never rejects.
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Pending retries are dropped; a try on the wire is cut short by the abort. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private async send(target: KeyChangeNotifications, body: string, attempt: number, where: string): Promise<SendOutcome> {
    try {
      const response = await request(target.oauth_on_keychange_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tyk-shared-secret': target.shared_secret },
        body,
        headersTimeout: ATTEMPT_TIMEOUT_MS,
        bodyTimeout: ATTEMPT_TIMEOUT_MS,
        signal: this.stopping.signal,
      });
      // The answer's body means nothing to us; read it so the connection can be reused.
      await response.body.dump();
      const outcome = outcomeOfStatus(response.statusCode);
      if (outcome !== 'delivered') this.logger.warn(`key-change notification to ${where}: HTTP ${response.statusCode} (try ${attempt})`);
      return outcome;
    } catch (error) {
      this.logger.warn(`key-change notification to ${where} failed (try ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
      return 'retry';
    }
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}

/** The receiver's origin for log lines: never its path or query (a secret may hide there). */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
