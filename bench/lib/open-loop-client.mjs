// A constant-rate (open-loop) load generator: requests are due at fixed times (start + i / rate),
// whatever the answers do, and each one's latency runs from the time it was due, not from when it
// could be sent, so a stall shows in full in the percentiles (no coordinated omission, as wrk2).
// Up to `connections` keep-alive connections (undici Pool); a request due while all are busy waits
// in the pool's queue, and that wait counts. Nanosecond clock, HDR histogram (perf_hooks).
// The first WARMUP_S seconds are sent at the same rate but not recorded: opening the connections and
// the first compilations of both sides would otherwise be a burst of slow answers at the start that,
// at a few thousand requests a second, is by itself the run's p99.
// Usage: node open-loop-client.mjs <url> <rate per s> <seconds> <connections> [request JSON]
// Prints one line "OPEN_LOOP_JSON {...}".
import { createHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';

const [url, rateArg, secondsArg, connectionsArg, requestArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const request = requestArg ? JSON.parse(requestArg) : {};
const target = new URL(url);
const pool = new Pool(target.origin, { connections: Number(connectionsArg), pipelining: 1, keepAliveTimeout: 60_000 });
const options = { path: `${target.pathname}${target.search}`, method: request.method ?? 'GET', headers: request.headers ?? {}, body: request.body };

const WARMUP_S = 2;
const histogram = createHistogram({ lowest: 1, highest: 60e9, figures: 3 });
const warmup = Math.round(rate * WARMUP_S);
const total = warmup + Math.round(rate * seconds);
const intervalNs = 1e9 / rate;
let sent = 0;
let done = 0;
let answered = 0;
let recordedStartNs = 0n;
let errors = 0;
let non2xx = 0;
let latestLagNs = 0;
let finish;
const finished = new Promise((resolve) => (finish = resolve));

function send(dueNs, recorded) {
  pool.request(options).then(
    async ({ statusCode, body }) => {
      await body.dump();
      if (recorded && (statusCode < 200 || statusCode > 299)) non2xx++;
      complete(dueNs, recorded);
    },
    () => {
      if (recorded) errors++;
      complete(dueNs, recorded);
    },
  );
}

function complete(dueNs, recorded) {
  if (recorded) {
    histogram.record(Math.max(1, Number(process.hrtime.bigint() - dueNs)));
    done++;
  }
  if (++answered === total) finish();
}

const startNs = process.hrtime.bigint();
// Each turn sends every request due by now, each stamped with its own due time; the next turn is
// scheduled at the next due time (a timer is coarse, so a turn may send a few at once: they are
// still measured from when each was due).
function tick() {
  const now = process.hrtime.bigint();
  while (sent < total) {
    const dueNs = startNs + BigInt(Math.round(sent * intervalNs));
    if (dueNs > now) break;
    const recorded = sent >= warmup;
    if (recorded) latestLagNs = Math.max(latestLagNs, Number(now - dueNs));
    if (sent === warmup) recordedStartNs = dueNs;
    send(dueNs, recorded);
    sent++;
  }
  if (sent < total) {
    const nextDue = startNs + BigInt(Math.round(sent * intervalNs));
    const waitMs = Number(nextDue - process.hrtime.bigint()) / 1e6;
    if (waitMs >= 1) setTimeout(tick, Math.floor(waitMs));
    else setImmediate(tick);
  }
}
tick();
await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, (WARMUP_S + seconds + 10) * 1000))]);
const elapsedS = Number(process.hrtime.bigint() - recordedStartNs) / 1e9;
const ms = (p) => histogram.percentile(p) / 1e6;
console.log(
  `OPEN_LOOP_JSON ${JSON.stringify({
    rate,
    sent: sent - warmup,
    done,
    errors,
    non2xx,
    elapsedS,
    p50Ms: ms(50),
    p90Ms: ms(90),
    p99Ms: ms(99),
    p999Ms: ms(99.9),
    maxMs: histogram.max / 1e6,
    // How late the generator itself sent (its own event loop): already inside the latencies.
    maxSendLagMs: latestLagNs / 1e6,
  })}`,
);
await pool.close();
process.exit(0);
