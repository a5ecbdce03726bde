import { createHash } from 'node:crypto';
import type { WebhookSpec } from '@portcullis/domain';
import { request, type Dispatcher } from 'undici';

/** One webhook request waiting to be sent. */
export interface Delivery {
  readonly event: string;
  readonly apiId: string;
  readonly webhook: WebhookSpec;
  readonly body: string;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped' | 'suppressed';

export interface DispatcherOptions {
  /** Deliveries waiting at most; past it new ones are dropped (counted, warned). */
  readonly maxQueued: number;
  /** Webhook requests in flight at once. */
  readonly concurrency: number;
  /** How long one webhook request may take, head and body. */
  readonly timeoutMs: number;
}

export interface DispatcherHooks {
  readonly outcome: (event: string, outcome: DeliveryOutcome) => void;
  readonly warn: (message: string) => void;
}

/** The most cooldown entries kept; past it the oldest go first (a cooldown then ends early, never a request held). */
const MAX_COOLDOWNS = 10_000;
/** Drops are warned about at most this often, with their count since the last warning: a flood is one line a second. */
const DROP_WARN_INTERVAL_MS = 1_000;
/** Tyk's webhook User-Agent names its hook sender; ours names Portcullis. */
const USER_AGENT = 'Portcullis-Hookshot';
/** Tyk sends the event body only with methods that carry one. */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Where a webhook goes, for logs: its origin only. The path and query of a webhook URL often hold
 * its secret (chat and incident services put the token there), and header_map its credentials.
 */
export function loggableTarget(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Sends event webhooks off the request path: a bounded in-memory queue per gateway (full, a new
 * delivery is dropped and counted: a request never waits on a webhook), a few requests in flight,
 * each with its timeout, never retried (a down receiver costs one request per event, no storm).
 * Tyk's `event_timeout` cooldown: an identical request (method, URL, headers, body) sent within
 * that many seconds is not sent again. Tyk keeps the cooldown in Redis; here each gateway keeps its own.
 */
export class EventDispatcher {
  private readonly queue: Delivery[] = [];
  private head = 0;
  private inFlight = 0;
  private readonly cooldowns = new Map<string, number>();
  private droppedSinceWarn = 0;
  private lastDropWarn = 0;
  private closed = false;
  private readonly aborts = new Set<AbortController>();

  constructor(
    private readonly options: DispatcherOptions,
    private readonly hooks: DispatcherHooks,
    private readonly now: () => number = Date.now,
    private readonly dispatcher?: Dispatcher,
  ) {}

  /** Deliveries waiting (not in flight). */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Queues one webhook request; returns at once whatever happens to it. */
  enqueue(delivery: Delivery): void {
    if (this.closed) return;
    const { webhook } = delivery;
    if (webhook.cooldownSeconds > 0) {
      const key = createHash('sha256')
        .update(JSON.stringify([webhook.method, webhook.targetUrl, webhook.headers, delivery.body]))
        .digest('base64');
      const now = this.now();
      const until = this.cooldowns.get(key);
      if (until !== undefined && now < until) {
        this.hooks.outcome(delivery.event, 'suppressed');
        return;
      }
      this.cooldowns.delete(key);
      this.cooldowns.set(key, now + webhook.cooldownSeconds * 1000);
      if (this.cooldowns.size > MAX_COOLDOWNS) this.pruneCooldowns(now);
    }
    if (this.queued >= this.options.maxQueued) {
      this.hooks.outcome(delivery.event, 'dropped');
      this.droppedSinceWarn++;
      const now = this.now();
      if (now - this.lastDropWarn >= DROP_WARN_INTERVAL_MS) {
        this.hooks.warn(
          `event webhook queue full (${this.options.maxQueued}): dropped ${this.droppedSinceWarn} deliveries, the last ${delivery.event} of api ${delivery.apiId} to ${loggableTarget(webhook.targetUrl)}`,
        );
        this.droppedSinceWarn = 0;
        this.lastDropWarn = now;
      }
      return;
    }
    this.queue.push(delivery);
    this.pump();
  }

  /** Stops sending: what waits is dropped, what is in flight is aborted. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.head = 0;
    for (const abort of this.aborts) abort.abort();
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.head < this.queue.length) {
      const delivery = this.queue[this.head]!;
      this.queue[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.inFlight++;
      // Deliveries run beside the requests that raised them; send() catches and logs every failure.
      void this.send(delivery).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(delivery: Delivery): Promise<void> {
    const { webhook } = delivery;
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    const withBody = WITH_BODY.has(webhook.method);
    try {
      const answer = await request(webhook.targetUrl, {
        method: webhook.method as 'POST',
        headers: { 'user-agent': USER_AGENT, ...(withBody ? { 'content-type': 'application/json' } : {}), ...webhook.headers },
        body: withBody ? delivery.body : null,
        signal: abort.signal,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
      await answer.body.dump();
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        this.hooks.outcome(delivery.event, 'delivered');
        return;
      }
      this.hooks.outcome(delivery.event, 'failed');
      this.hooks.warn(`event webhook ${delivery.event} of api ${delivery.apiId} to ${loggableTarget(webhook.targetUrl)} answered ${answer.statusCode}`);
    } catch (error) {
      this.hooks.outcome(delivery.event, 'failed');
      const reason = abort.signal.aborted ? `timed out after ${this.options.timeoutMs} ms` : ((error as { code?: string }).code ?? (error as Error).name);
      // The error's message may quote the URL: only its code or name is logged.
      this.hooks.warn(`event webhook ${delivery.event} of api ${delivery.apiId} to ${loggableTarget(webhook.targetUrl)} failed: ${reason}`);
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  private pruneCooldowns(now: number): void {
    for (const [key, until] of this.cooldowns) if (until <= now) this.cooldowns.delete(key);
    for (const key of this.cooldowns.keys()) {
      if (this.cooldowns.size <= MAX_COOLDOWNS) break;
      this.cooldowns.delete(key);
    }
  }
}
