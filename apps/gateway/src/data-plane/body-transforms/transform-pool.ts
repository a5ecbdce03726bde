import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { BodyTransformLanguage } from '@portcullis/domain';

/**
 * Runs body transforms off the event loop, in a few worker threads, each bounded: a task that has
 * not finished `timeoutMs` after it was handed in fails (`timeout`), and the worker running it is
 * terminated and replaced (a jq program such as `def f: f; f` or `repeat(.)` never yields, so
 * nothing short of terminating the thread stops it). A worker's JavaScript heap is capped; jq's own
 * memory is capped by its WebAssembly build (it aborts, and the worker is replaced). At most
 * `maxQueued` tasks wait for a free worker; more are refused (`busy`) rather than queued without
 * end. Workers start only when an API with a body transform is loaded (`warm`), so a gateway
 * without one runs none.
 */
export interface TransformTask {
  readonly language: BodyTransformLanguage;
  readonly direction: 'request' | 'response';
  readonly program: string;
  /** How the body is parsed: JSON, or XML turned into JSON. */
  readonly input: 'json' | 'xml';
  /** The body as received (parsed in the worker). */
  readonly body: Buffer;
  /** Lower-case header names to values: the request's, or the response's. */
  readonly headers: Record<string, string>;
  /** Tyk's `_tyk_context` (jq; null without enable_context_vars) or the request's method and path (JSONata's $method, $path). */
  readonly context: Record<string, unknown> | null;
  readonly status: number;
  /** The largest transformed body accepted. */
  readonly maxBytes: number;
}

export type TransformOutcome =
  | {
      readonly ok: true;
      readonly body: Buffer;
      readonly headers: Record<string, string> | null;
      /** A jq request filter's `tyk_context`: variables for the header transforms. */
      readonly context: Record<string, unknown> | null;
    }
  | { readonly ok: false; readonly kind: 'not_json' | 'not_xml' | 'failed' | 'too_large' | 'timeout' | 'busy'; readonly message: string };

export interface TransformLimits {
  readonly workers: number;
  readonly timeoutMs: number;
  readonly maxQueued: number;
  /** Each worker's JavaScript heap (maxOldGenerationSizeMb). */
  readonly heapMb: number;
}

export const defaultTransformLimits: TransformLimits = { workers: 2, timeoutMs: 1000, maxQueued: 256, heapMb: 128 };

interface Pending {
  readonly id: number;
  readonly task: TransformTask;
  readonly resolve: (outcome: TransformOutcome) => void;
  readonly timer: NodeJS.Timeout;
  slot: Slot | null;
}

interface Slot {
  worker: Worker;
  running: Pending | null;
}

/** What a worker (transform-worker.js) is sent: a task (its body arrives as a Uint8Array). */
export type WorkerTask = Omit<TransformTask, 'body'> & { readonly id: number; readonly timeoutMs: number; readonly body: Uint8Array };

/** Where a worker loads its packages from: resolved here, from the gateway's own dependencies. */
export interface WorkerPaths {
  readonly jqPath: string;
  readonly jsonataPath: string;
  readonly xmlPath: string;
}

/** What a worker answers for a task. */
export type WorkerReply =
  | { id: number; ok: true; body: Uint8Array; headers: Record<string, string> | null; context: Record<string, unknown> | null }
  | { id: number; ok: false; kind: 'not_json' | 'not_xml' | 'failed' | 'too_large'; message: string; fatal: boolean };

/** Beside this module in the sources (the tests) and in dist (the built gateway) alike. */
const workerFile = new URL('./transform-worker.js', import.meta.url);

const moduleRequire = createRequire(import.meta.url);

export class TransformPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private readonly paths: WorkerPaths = {
    jqPath: moduleRequire.resolve('jq-wasm'),
    jsonataPath: moduleRequire.resolve('jsonata'),
    xmlPath: moduleRequire.resolve('fast-xml-parser'),
  };

  constructor(readonly limits: TransformLimits = defaultTransformLimits) {}

  /** jq is loaded by every worker as it starts once an API uses it (about 100 ms, kept off requests). */
  private preloadJq = false;

  /** Starts the workers (an API with a body transform was loaded); `jq`: that API has jq programs. */
  warm(jq = false): void {
    if (jq && !this.preloadJq) {
      this.preloadJq = true;
      for (const slot of this.slots) slot.worker.postMessage({ preload: 'jq' });
    }
    while (this.slots.length < this.limits.workers) this.slots.push(this.spawn());
  }

  run(task: TransformTask): Promise<TransformOutcome> {
    // A worker replaced after a runaway jq program loads jq before its next task.
    this.warm(task.language === 'jq');
    if (this.queue.length >= this.limits.maxQueued) return Promise.resolve({ ok: false, kind: 'busy', message: 'too many transforms waiting' });
    return new Promise((resolve) => {
      const pending: Pending = { id: this.nextId++, task, resolve, slot: null, timer: setTimeout(() => this.expire(pending), this.limits.timeoutMs) };
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Stops every worker (the gateway is closing); waiting tasks fail. */
  async close(): Promise<void> {
    for (const pending of this.queue.splice(0)) this.settle(pending, { ok: false, kind: 'timeout', message: 'the gateway is closing' });
    const slots = this.slots.splice(0);
    for (const slot of slots) if (slot.running !== null) this.settle(slot.running, { ok: false, kind: 'timeout', message: 'the gateway is closing' });
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(workerFile, { workerData: this.paths, resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb } });
    const slot: Slot = { worker, running: null };
    if (this.preloadJq) worker.postMessage({ preload: 'jq' });
    // A worker never keeps the gateway process alive; a waiting request holds its own timer.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    // A worker that died (out of memory, crashed): its task fails, a new worker takes its place.
    worker.on('error', () => this.replace(slot, 'the transform stopped (out of memory)'));
    worker.on('exit', () => this.replace(slot, 'the transform stopped'));
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.running !== null) continue;
      const pending = this.queue.shift()!;
      pending.slot = slot;
      slot.running = pending;
      const task = pending.task;
      const message: WorkerTask = { ...task, id: pending.id, timeoutMs: this.limits.timeoutMs };
      slot.worker.postMessage(message);
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const pending = slot.running;
    if (pending === null || pending.id !== reply.id) return;
    slot.running = null;
    if (reply.ok)
      this.settle(pending, {
        ok: true,
        body: Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength),
        headers: reply.headers,
        context: reply.context,
      });
    else {
      this.settle(pending, { ok: false, kind: reply.kind, message: reply.message });
      if (reply.fatal) return this.replace(slot, null);
    }
    this.dispatch();
  }

  private expire(pending: Pending): void {
    const slot = pending.slot;
    if (slot === null) {
      const at = this.queue.indexOf(pending);
      if (at !== -1) this.queue.splice(at, 1);
      pending.resolve({ ok: false, kind: 'timeout', message: `did not finish within ${this.limits.timeoutMs} ms` });
      return;
    }
    slot.running = null;
    pending.resolve({ ok: false, kind: 'timeout', message: `did not finish within ${this.limits.timeoutMs} ms` });
    this.replace(slot, null);
  }

  /** Terminates a slot's worker (if still running) and puts a fresh one in its place. */
  private replace(slot: Slot, failure: string | null): void {
    const at = this.slots.indexOf(slot);
    if (at === -1) return;
    const running = slot.running;
    slot.running = null;
    if (running !== null) this.settle(running, { ok: false, kind: 'failed', message: failure ?? 'the transform stopped' });
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    // A stuck or broken worker is replaced at once, not waited for; its late 'error' is swallowed above.
    void slot.worker.terminate();
    this.slots[at] = this.spawn();
    this.dispatch();
  }

  private settle(pending: Pending, outcome: TransformOutcome): void {
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }
}

let shared: TransformPool | null = null;

/** The gateway's one pool, made when the first API with a body transform is compiled. */
export function transformPool(): TransformPool {
  return (shared ??= new TransformPool());
}

/** Closes the shared pool, if one was made. */
export async function closeTransformPool(): Promise<void> {
  const pool = shared;
  shared = null;
  if (pool !== null) await pool.close();
}
