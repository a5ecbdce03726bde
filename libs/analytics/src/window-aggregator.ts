import type { AnalyticsAggregate, AnalyticsRecord } from '@portcullis/contracts';
import { LatencySketch } from './latency-sketch.js';

/** A window's content once closed: one aggregate per dimension tuple, and the request logs kept in it. */
export interface ClosedWindow {
  start: number;
  ms: number;
  aggregates: AnalyticsAggregate[];
  records: AnalyticsRecord[];
  /** Requests counted in it (the sum of the aggregates' counts). */
  requests: number;
}

/** The requests of one window sharing every dimension. Fixed shape, made once per tuple and window. */
class Cell {
  count = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly total = new LatencySketch();
  readonly upstream = new LatencySketch();
  constructor(readonly first: AnalyticsRecord) {}

  toAggregate(): AnalyticsAggregate {
    const r = this.first;
    return {
      api_id: r.api_id,
      ...(r.version === undefined ? {} : { version: r.version }),
      ...(r.identity === undefined ? {} : { identity: r.identity }),
      ...(r.oauth_client_id === undefined ? {} : { oauth_client_id: r.oauth_client_id }),
      ...(r.endpoint === undefined ? {} : { endpoint: r.endpoint }),
      status: r.status,
      auth_result: r.auth_result,
      count: this.count,
      bytes_in: this.bytesIn,
      bytes_out: this.bytesOut,
      total_ms: this.total.toJSON(),
      upstream_ms: this.upstream.toJSON(),
    };
  }
}

class OpenWindow {
  readonly cells = new Map<string, Cell>();
  readonly records: AnalyticsRecord[] = [];
  requests = 0;
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

/**
 * The dimensions a window counts by: API, version, identity (hashed), OAuth client, status code, auth
 * result, and the tracked endpoint (an entry of the API's track_endpoints, so bounded by the definition;
 * none for a request matching none, and for every request of an API without the list).
 */
function dimensions(r: AnalyticsRecord): string {
  return `${r.api_id}\n${r.status}\n${r.auth_result}\n${r.identity ?? ''}\n${r.oauth_client_id ?? ''}\n${r.endpoint ?? ''}\n${r.version ?? ''}`;
}

/**
 * Sums requests into windows of `windowMs` aligned to the epoch (so every gateway's windows line up
 * with the registry's minutes), by the record's own time. `add` is a key, a Map lookup and two
 * sketch updates: no I/O, no promise; a closed window's size depends on how many tuples had
 * traffic, not on how many requests.
 */
export class WindowAggregator {
  private readonly windows = new Map<number, OpenWindow>();
  private current: OpenWindow | undefined;
  private logsKept = 0;

  constructor(
    readonly windowMs: number,
    /** Request logs held in open windows at most; beyond it they are refused (and counted by the caller). */
    private readonly maxLogs: number,
  ) {
    if (!Number.isInteger(windowMs) || windowMs <= 0 || 60_000 % windowMs !== 0) {
      throw new RangeError('the analytics window must be a whole number of milliseconds dividing a minute');
    }
  }

  /** Counts the request; keeps it as a request log when `keepLog`. Returns false when the log was refused. */
  add(record: AnalyticsRecord, keepLog: boolean): boolean {
    const at = record.at;
    let window = this.current;
    if (window === undefined || at < window.start || at >= window.end) window = this.windowAt(at);
    const key = dimensions(record);
    let cell = window.cells.get(key);
    if (cell === undefined) {
      cell = new Cell(record);
      window.cells.set(key, cell);
    }
    cell.count++;
    cell.bytesIn += record.bytes_in;
    cell.bytesOut += record.bytes_out;
    cell.total.add(record.total_ms);
    cell.upstream.add(record.upstream_ms);
    window.requests++;
    if (!keepLog) return true;
    if (this.logsKept >= this.maxLogs) return false;
    this.logsKept++;
    window.records.push(record);
    return true;
  }

  /** Requests counted in windows not yet taken. */
  get pendingRequests(): number {
    let n = 0;
    for (const window of this.windows.values()) n += window.requests;
    return n;
  }

  /** Takes the windows that ended by `now` (every window with Infinity), oldest first. */
  takeClosed(now: number): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    for (const window of [...this.windows.values()].sort((a, b) => a.start - b.start)) {
      if (window.end > now) continue;
      this.windows.delete(window.start);
      if (this.current === window) this.current = undefined;
      this.logsKept -= window.records.length;
      closed.push({
        start: window.start,
        ms: this.windowMs,
        aggregates: [...window.cells.values()].map((cell) => cell.toAggregate()),
        records: window.records,
        requests: window.requests,
      });
    }
    return closed;
  }

  private windowAt(at: number): OpenWindow {
    const start = at - (((at % this.windowMs) + this.windowMs) % this.windowMs);
    let window = this.windows.get(start);
    if (window === undefined) {
      window = new OpenWindow(start, start + this.windowMs);
      this.windows.set(start, window);
    }
    this.current = window;
    return window;
  }
}
